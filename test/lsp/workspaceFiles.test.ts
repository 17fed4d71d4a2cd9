// The language server's file list (lsp/workspaceFiles.ts): with the same paths, the next list is
// the last one with only the entries of files read since, open documents and rendered charts looked
// at again (an edit among 100,000 files). Each list must equal a fresh one, the same objects where
// a text is the same.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lsp from 'vscode-languageserver/node';
import { DEFAULT_CONFIG } from '../../server/src/engine';
import type { HelmState } from '../../server/src/lsp/helmState';
import { EditedTextDocument } from '../../server/src/lsp/textDocument';
import { pathToUri } from '../../server/src/lsp/toProto';
import { WorkspaceFiles } from '../../server/src/lsp/workspaceFiles';

const cm = (name: string, value = 'v') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {k: ${value}}\n`;

function setUp() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-files-')).split(path.sep).join('/');
  for (let i = 0; i < 30; i++) fs.writeFileSync(`${root}/cm-${i}.yaml`, cm(`c${i}`));
  const open = new Map<string, EditedTextDocument>();
  const documents = { all: () => [...open.values()], get: (uri: string) => open.get(uri) };
  const helm = { files: [], renderedText: () => undefined, concernsCharts: () => false } as unknown as HelmState;
  const make = () => {
    const files = new WorkspaceFiles({
      documents: documents as unknown as lsp.TextDocuments<EditedTextDocument>,
      helm,
      settings: { config: DEFAULT_CONFIG },
      console: { warn: () => undefined, error: () => undefined },
      onReadBatch: () => undefined,
      onChartFileChanged: () => undefined,
      onConfigFileChanged: () => undefined,
    });
    files.roots = [root];
    return files;
  };
  return { root, open, make };
}

test('the next file list takes the last one over where nothing changed, and equals a fresh one', async () => {
  const { root, open, make } = setUp();
  try {
    const files = make();
    await files.readListing();
    const first = files.current().files;
    assert.equal(first.length, 30);
    /** The list a server that never listed before would give now. */
    const fresh = async () => {
      const other = make();
      await other.readListing();
      return other.current().files.map((f) => [f.path, f.text]);
    };
    const check = async (label: string, changedPaths: string[], before: readonly { path: string }[]) => {
      const now = files.current().files;
      assert.deepEqual(
        now.map((f) => [f.path, f.text]),
        await fresh(),
        label,
      );
      assert.equal(now.length, 30, label);

      for (let i = 0; i < now.length; i++)
        if (!changedPaths.includes(now[i].path)) assert.equal(now[i], before[i], `${label}: ${now[i].path} kept`);
      return now;
    };
    let last = first;
    // An open document, edited twice: its entry only.
    const p5 = `${root}/cm-5.yaml`;
    const doc = new EditedTextDocument(pathToUri(p5), 'yaml', 1, cm('c5'));
    open.set(doc.uri, doc);
    files.documentOpened(doc);
    files.documentChanged(doc);
    last = await check('a document opened as on disk', [], last);
    assert.equal(last.find((f) => f.path === p5)?.edited, undefined, 'opened as on disk: compared, not marked');
    doc.update([{ text: cm('c5', 'edited') }], 2);
    last = await check('an open document edited', [p5], last);
    assert.equal(last.find((f) => f.path === p5)?.text, cm('c5', 'edited'));
    // A new version: marked edited, so that the engine does not compare the texts (WorkspaceFile.edited).
    assert.equal(last.find((f) => f.path === p5)?.edited, true);
    doc.update([{ text: cm('c5', 'again') }], 3);
    last = await check('edited again', [p5], last);
    assert.equal(last.find((f) => f.path === p5)?.edited, true);
    last = await check('the same version', [], last);
    // A file changed on disk, as a watcher reports it.
    const p7 = `${root}/cm-7.yaml`;
    fs.writeFileSync(p7, cm('c7', 'on-disk'));
    files.applyWatchedChanges([{ uri: pathToUri(p7), type: lsp.FileChangeType.Changed }]);
    last = await check('a file changed on disk', [p7], last);
    assert.equal(last.find((f) => f.path === p7)?.text, cm('c7', 'on-disk'));
    // Nothing changed: every entry kept.
    last = await check('nothing changed', [], last);
    // The document closed: the disk's text again.
    open.delete(doc.uri);
    files.documentClosed(doc);
    last = await check('the document closed', [p5], last);
    assert.equal(last.find((f) => f.path === p5)?.text, cm('c5'));
    // A new document, not on disk: the list of paths grows, and shrinks when it closes.
    const newPath = `${root}/new.yaml`;
    const added = new EditedTextDocument(pathToUri(newPath), 'yaml', 1, cm('new'));
    open.set(added.uri, added);
    files.documentOpened(added);
    files.documentChanged(added);
    assert.deepEqual(
      files.current().files.map((f) => [f.path, f.text]),
      await fresh(),
      'a new document',
    );
    assert.equal(files.current().files.length, 31);
    open.delete(added.uri);
    files.documentClosed(added);
    assert.deepEqual(
      files.current().files.map((f) => [f.path, f.text]),
      await fresh(),
      'the new document closed',
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a document opened as on disk gives its first edit as a splice of the text read from disk', async () => {
  const { root, open, make } = setUp();
  try {
    const files = make();
    await files.readListing();
    const p = `${root}/cm-3.yaml`;
    const doc = new EditedTextDocument(pathToUri(p), 'yaml', 1, cm('c3'));
    open.set(doc.uri, doc);
    files.documentOpened(doc);
    files.documentChanged(doc);
    const at = cm('c3').indexOf('{k: v}') + 4;
    doc.update(
      [
        {
          range: {
            start: { line: 3, character: at - cm('c3').lastIndexOf('\n', at) - 1 },
            end: { line: 3, character: at - cm('c3').lastIndexOf('\n', at) - 1 },
          },
          text: 'x',
        },
      ],
      2,
    );
    const file = files.current().files.find((f) => f.path === p);
    assert.ok(file?.source !== undefined && typeof file.source !== 'string', 'spliced, not a joined copy');
    assert.equal(file.source.base, cm('c3'));
    assert.equal(file.text, cm('c3', 'xv'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

// The open documents' texts as the client edits them, with incremental changes checked before
// they are applied (each applied at the cost of what it changes: textDocument.ts).
import type * as lsp from 'vscode-languageserver/node';
import { EditedTextDocument } from './textDocument';

/**
 * Documents whose incremental changes are checked against the text before they are applied: a
 * range whose line lies past the end (a client bug, or a lost notification) would otherwise be
 * clamped and silently corrupt the server's copy. Such a change is refused and the document is
 * marked out of step; later incremental changes are refused too until a full-text change (or a
 * reopen) resynchronises it. Meanwhile the document keeps its last good text.
 */
export function validatingDocuments(
  warn: (uri: string, why: string) => void,
): lsp.TextDocumentsConfiguration<EditedTextDocument> {
  const outOfStep = new Set<string>();
  return {
    create: (uri, languageId, version, content) => {
      outOfStep.delete(uri);
      return new EditedTextDocument(uri, languageId, version, content);
    },
    update: (document, changes, version) => {
      const valid: typeof changes = [];
      let lineCount = document.lineCount;
      for (const change of changes) {
        if (!('range' in change) || change.range === undefined) {
          outOfStep.delete(document.uri);
          valid.length = 0;
          valid.push(change);
          lineCount = Number.MAX_SAFE_INTEGER; // the lines of the new full text are not counted here
          continue;
        }
        const { start, end } = change.range;
        const inside = (p: lsp.Position) =>
          Number.isInteger(p.line) &&
          Number.isInteger(p.character) &&
          p.line >= 0 &&
          p.character >= 0 &&
          p.line < lineCount;
        const ordered = start.line < end.line || (start.line === end.line && start.character <= end.character);
        if (outOfStep.has(document.uri) || !inside(start) || !inside(end) || !ordered) {
          if (!outOfStep.has(document.uri))
            warn(
              document.uri,
              `refused an edit at ${start.line}:${start.character}-${end.line}:${end.character} outside the document (${document.lineCount} lines); keeping the last good text until the client sends the full text`,
            );
          outOfStep.add(document.uri);
          continue;
        }
        valid.push(change);
        lineCount += change.text.split('\n').length - 1 - (end.line - start.line);
      }
      document.update(valid, version);
      return document;
    },
  };
}

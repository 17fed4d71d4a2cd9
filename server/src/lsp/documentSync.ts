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
      // Each change is checked against the text the changes before it made (a full text included).
      for (const change of changes) {
        if (!('range' in change) || change.range === undefined) {
          outOfStep.delete(document.uri);
          document.update([change], version);
          continue;
        }
        const { start, end } = change.range;
        const inside = (p: lsp.Position) =>
          Number.isInteger(p.line) &&
          Number.isInteger(p.character) &&
          p.line >= 0 &&
          p.character >= 0 &&
          document.hasLine(p.line);
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
        document.update([change], version);
      }
      document.update([], version);
      return document;
    },
  };
}

// Values that are filled in after the manifest is written, and so are unknown to the analysis:
// envsubst and Flux post-build substitution (`${VAR}`, `${VAR:-default}`, `${VAR:=default}`, `$VAR`;
// the pipelines `kubectl kustomize | envsubst` and Flux's `postBuild.substitute`), and the fields
// kustomize `replacements` and `vars` write (read elsewhere in the build). Such a value is never
// judged as a literal: a selector or label holding one may match anything, a name or port holding
// one may be anything. `$(VAR)` is Kubernetes' own expansion of container env and is not one.

/** What a field written by a kustomize replacement or var reads as in a built tree. */
export const REPLACED_VALUE = '${kustomize-replacement}';

const PLACEHOLDER = /\$\{[^}]*\}|(?<![$\w])\$[A-Za-z_][A-Za-z0-9_]*/;

/** The text with each placeholder blanked out (same length), so nothing is read inside one. */
export function blankPlaceholders(text: string): string {
  return text.includes('$') ? text.replace(new RegExp(PLACEHOLDER.source, 'g'), (s) => ' '.repeat(s.length)) : text;
}

/** Whether a string value holds a substitution placeholder (so its final value is unknown). */
export function hasPlaceholder(value: string | undefined): boolean {
  return value !== undefined && value.includes('$') && PLACEHOLDER.test(value);
}

// Reading a workspace: which files are manifests (not Helm templates, not kustomize patches or
// configuration, not unrelated YAML), which documents are resources, and what namespace and name
// each resource instance has in each kustomize build that includes it. Input is (path, text)
// pairs; nothing here touches the file system. The modules: types (inputs and results), classify
// (what a file and its documents are), read (a file's reading), resources (instances), cache
// (what loading keeps between runs), patch (an edit of a few manifests), load (the steps).
export { instanceIndexInFile, LoadCache, type LoadDelta } from './cache';
export { loadWorkspaceSteps } from './load';
export { errorLine } from './read';
export { fileWithText, sourceOf } from './types';
export type { FileParser, FileRole, LoadedWorkspace, SkippedFile, SourceFile, WorkspaceFile } from './types';

// The custom requests of server/src/protocol.ts (the traffic map, the resource at a position and its
// details, the rendered views of Helm charts): one function each, like the standard ones.
import type * as lsp from 'vscode-languageserver/node';
import { LineIndex, type AnalysisConfig } from '../engine';
import { buildTrafficMap } from '../engine/paths';
import * as queries from '../engine/queries';
import { locate } from '../engine/queries/locate';
import {
  RenderedManifestRequest,
  RenderedManifestsRequest,
  ResourceAtRequest,
  ResourceDetailsRequest,
  TrafficMapRequest,
  type RenderedManifest,
  type RenderList,
  type ResourceAtParams,
  type ResourceAtResult,
  type ResourceDetailsParams,
  type ResourceDetailsResult,
  type TrafficMap,
} from '../protocol';
import type { HelmState } from './helmState';
import type { RequestActivity } from './requestActivity';
import type { RequestContext } from './requestContext';
import * as proto from './toProto';

export interface CustomHandlerParts {
  readonly at: RequestContext;
  readonly helm: HelmState;
  readonly settings: { readonly config: AnalysisConfig };
}

/** Registers the custom requests' handlers, each inside the activity's guard. */
export function registerCustomHandlers(
  connection: lsp.Connection,
  activity: RequestActivity,
  parts: CustomHandlerParts,
): void {
  const guarded = <P, R>(name: string, handler: (parts: CustomHandlerParts, params: P) => R | null) =>
    activity.guard(name, null, (params: P) => handler(parts, params));
  // The client's read-only view of rendered charts (client/src/renderedManifest.ts).
  connection.onRequest(RenderedManifestRequest, guarded('renderedManifest', renderedManifest));
  connection.onRequest(RenderedManifestsRequest, guarded('renderedManifests', renderedManifests));
  connection.onRequest(TrafficMapRequest, guarded('trafficMap', trafficMap));
  connection.onRequest(ResourceAtRequest, guarded('resourceAt', resourceAt));
  connection.onRequest(ResourceDetailsRequest, guarded('resourceDetails', resourceDetails));
}

/** A rendered chart's text, with the diagnostics found in it at their rendered places. */
export function renderedManifest({ at, helm }: CustomHandlerParts, params: { path: string }): RenderedManifest | null {
  const text = helm.renderedText(params.path);
  if (text === undefined) return null;
  const lines = new LineIndex(text);
  // The diagnostics found in this render, at their rendered places.
  const diagnostics = (at.analysis?.diagnostics ?? [])
    .filter((d) => d.file === params.path)
    .map((d) => proto.renderedDiagnostic(d, lines));
  return { path: params.path, text, diagnostics };
}

/** The renders of the chart a document belongs to, and the rendered line of a position in it. */
export function renderedManifests(
  { at, helm }: CustomHandlerParts,
  params: { uri?: string; position?: lsp.Position },
): RenderList | null {
  const file = params.uri ? proto.uriToPath(params.uri) : undefined;
  const lines = file ? at.analysis?.workspace.files.get(file)?.lines : undefined;
  const rendered = file && lines && params.position ? helm.toRendered(file, lines.offset(params.position)) : undefined;
  const renders = helm.rendersFor(file).map(proto.renderListEntry);
  const line = rendered
    ? new LineIndex(helm.renderedText(rendered.file) ?? '').position(rendered.offset).line
    : undefined;
  return { renders, at: rendered && { path: rendered.file, line } };
}

export function trafficMap({ at, helm, settings }: CustomHandlerParts): TrafficMap | null {
  const analysis = at.analysis;
  return analysis
    ? helm.trafficMap(
        buildTrafficMap(analysis, { ingressControllerNamespaces: settings.config.ingressControllerNamespaces }),
      )
    : null;
}

export function resourceAt({ at }: CustomHandlerParts, params: ResourceAtParams): ResourceAtResult | null {
  const c = at.document(params.textDocument.uri);
  const r = c && locate(c.a, c.file, c.lines.offset(params.position))?.resource;
  return r ? proto.resourceAt(r) : null;
}

export function resourceDetails(
  { at }: CustomHandlerParts,
  params: ResourceDetailsParams,
): ResourceDetailsResult | null {
  const analysis = at.analysis;
  const r = analysis?.workspace.resources.find((x) => x.id === params.resource);
  if (!analysis || !r || !at.isCurrent(r.file)) return null;
  const h = queries.hoverAt(analysis, r.file, (r.nameSpan ?? r.span).start, at.queryOptions());
  return h ? { markdown: h.markdown } : null;
}

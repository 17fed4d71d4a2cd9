// The traffic graph (graph/trafficGraph.ts) and what rules, queries and the map use with it: the
// modules of graph/ are imported through this one.
export { TrafficGraph, type BackendTarget } from './graph/trafficGraph';
export { type PortResolution, type PortResolutionStatus } from './graph/ports';
export {
  FACTS,
  READ_SCOPES,
  sameAnswer,
  trackReads,
  type AnswerRead,
  type FactName,
  type ReadLog,
  type ReadScope,
} from './graph/readScopes';

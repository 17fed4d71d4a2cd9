// The rule registry, sorted by id. Adding a rule: create rules/<id>.ts, list it here, write
// docs/rules/<id>.md and fixtures in test/fixtures/rules/<id>/ (the meta test checks all four).
import type { BuiltinRuleMeta, Rule } from './rule';
import duplicateResource from './duplicate-resource';
import ipblockExceptOutsideCidr from './ipblock-except-outside-cidr';
import ipFamilyMismatch from './ip-family-mismatch';
import istioGatewayMissing from './istio-gateway-missing';
import istioHostMissing from './istio-host-missing';
import istioPortAmbiguous from './istio-port-ambiguous';
import istioSubsetMissing from './istio-subset-missing';
import invalidIpAddress from './invalid-ip-address';
import duplicateClusterIp from './duplicate-cluster-ip';
import clusterIpOutsideServiceCidr from './cluster-ip-outside-service-cidr';
import egressBlocksDns from './egress-blocks-dns';
import hostnetworkDnsPolicy from './hostnetwork-dns-policy';
import ingressHostPathConflict from './ingress-host-path-conflict';
import ingressBackendPortMissing from './ingress-backend-port-missing';
import ingressBackendServiceMissing from './ingress-backend-service-missing';
import networkpolicyNamespaceSelectorOrphaned from './networkpolicy-namespace-selector-orphaned';
import networkpolicyPeerSelectorOrphaned from './networkpolicy-peer-selector-orphaned';
import networkpolicyPortInvalid from './networkpolicy-port-invalid';
import networkpolicyPortUnresolved from './networkpolicy-port-unresolved';
import networkpolicyRulesIgnored from './networkpolicy-rules-ignored';
import networkpolicySelectorOrphaned from './networkpolicy-selector-orphaned';
import servicePortProtocolMismatch from './service-port-protocol-mismatch';
import serviceSelectorOrphaned from './service-selector-orphaned';
import trafficDeniedByNetworkpolicy from './traffic-denied-by-networkpolicy';
import serviceReferencePortUnmatched from './service-reference-port-unmatched';
import serviceReferenceMissing from './service-reference-missing';
import serviceSpecInvalid from './service-spec-invalid';
import servicemonitorSelectorOrphaned from './servicemonitor-selector-orphaned';
import servicemonitorPortMissing from './servicemonitor-port-missing';
import workloadSelectorOverlap from './workload-selector-overlap';
import hostPortConflict from './host-port-conflict';
import hpaTargetMissing from './hpa-target-missing';
import endpointsPortMismatch from './endpoints-port-mismatch';
import routeParentMissing from './route-parent-missing';
import routeHostnameMismatch from './route-hostname-mismatch';
import routeNotAllowedByListener from './route-not-allowed-by-listener';
import routeBackendServiceMissing from './route-backend-service-missing';
import routeBackendPortMissing from './route-backend-port-missing';
import routeBackendNotPermitted from './route-backend-not-permitted';
import multusIpamInvalid from './multus-ipam-invalid';
import multusNetworkMissing from './multus-network-missing';
import statefulsetGoverningService from './statefulset-governing-service';
import statefulsetServiceNotHeadless from './statefulset-service-not-headless';
import statefulsetServiceMissing from './statefulset-service-missing';
import pdbBlocksEviction from './pdb-blocks-eviction';
import pdbOverlap from './pdb-overlap';
import pdbSelectorOrphaned from './pdb-selector-orphaned';
import probePortUnresolved from './probe-port-unresolved';
import nodeportOutOfRange from './nodeport-out-of-range';
import nodeportConflict from './nodeport-conflict';
import serviceTargetPortNameUnresolved from './service-target-port-name-unresolved';
import serviceTargetPortUnmatched from './service-target-port-unmatched';
import workloadSelectorMismatch from './workload-selector-mismatch';

export const RULES: readonly Rule[] = [
  clusterIpOutsideServiceCidr,
  duplicateClusterIp,
  duplicateResource,
  egressBlocksDns,
  endpointsPortMismatch,
  hostPortConflict,
  hostnetworkDnsPolicy,
  hpaTargetMissing,
  ingressBackendPortMissing,
  ingressBackendServiceMissing,
  ingressHostPathConflict,
  invalidIpAddress,
  ipFamilyMismatch,
  ipblockExceptOutsideCidr,
  istioGatewayMissing,
  istioHostMissing,
  istioPortAmbiguous,
  istioSubsetMissing,
  multusIpamInvalid,
  multusNetworkMissing,
  networkpolicyNamespaceSelectorOrphaned,
  networkpolicyPeerSelectorOrphaned,
  networkpolicyPortInvalid,
  networkpolicyPortUnresolved,
  networkpolicyRulesIgnored,
  networkpolicySelectorOrphaned,
  nodeportConflict,
  nodeportOutOfRange,
  pdbBlocksEviction,
  pdbOverlap,
  pdbSelectorOrphaned,
  probePortUnresolved,
  routeBackendNotPermitted,
  routeBackendPortMissing,
  routeBackendServiceMissing,
  routeHostnameMismatch,
  routeNotAllowedByListener,
  routeParentMissing,
  servicePortProtocolMismatch,
  serviceReferenceMissing,
  serviceReferencePortUnmatched,
  serviceSelectorOrphaned,
  serviceSpecInvalid,
  serviceTargetPortNameUnresolved,
  serviceTargetPortUnmatched,
  servicemonitorPortMissing,
  servicemonitorSelectorOrphaned,
  statefulsetGoverningService,
  statefulsetServiceMissing,
  statefulsetServiceNotHeadless,
  trafficDeniedByNetworkpolicy,
  workloadSelectorMismatch,
  workloadSelectorOverlap,
];

/** Diagnostics produced while reading files, not by rule checks; they have docs pages too. */
export const BUILTIN_RULES: readonly BuiltinRuleMeta[] = [
  {
    id: 'analysis-incomplete',
    severity: 'info',
    description:
      'A file or a rule could not be analysed (an internal failure or a limit); nothing is concluded from it.',
  },
  { id: 'file-too-large', severity: 'info', description: 'A file over the size limit was skipped.' },
  {
    id: 'helm-dependency-not-vendored',
    severity: 'info',
    description:
      'A Helm chart dependency is neither vendored under charts/ nor a sibling chart; the chart is not rendered.',
  },
  {
    id: 'helm-render-failed',
    severity: 'info',
    description: '`helm template` failed for a chart; the error is shown on the template line helm names.',
  },
  {
    id: 'helm-template-skipped',
    severity: 'info',
    description:
      'A Helm chart was not rendered (no helm, untrusted workspace, --no-helm) or a template file was skipped.',
  },
  {
    id: 'yaml-duplicate-key',
    severity: 'warning',
    description: 'A mapping repeats a key; kubectl rejects the document.',
  },
  {
    id: 'yaml-syntax',
    severity: 'error',
    description: 'The file is not valid YAML; its broken document is not analysed.',
  },
];

export interface RuleMeta {
  readonly id: string;
  readonly severity: BuiltinRuleMeta['severity'];
  readonly description: string;
  readonly remediation?: string;
}

export function allRuleMeta(): RuleMeta[] {
  return [...RULES, ...BUILTIN_RULES].sort((a, b) => (a.id < b.id ? -1 : 1));
}

export const DOCS_BASE_URL = 'https://github.com/kube-traffic-lens/kube-traffic-lens/blob/main/docs/rules/';

export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE_URL}${id}.md`;
}

// Facts about Kubernetes kinds that the API server knows from discovery and we must know statically.

/**
 * Kinds that are cluster-scoped (no namespace), from the built-in API groups and the common
 * ecosystem CRDs. A kind not listed is treated as namespaced, as almost every CRD is.
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'APIService',
  'PriorityClass',
  'IngressClass',
  'GatewayClass',
  'CSIDriver',
  'CSINode',
  'RuntimeClass',
  'PodSecurityPolicy',
  'VolumeAttachment',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ComponentStatus',
  'IPAddress',
  'ServiceCIDR',
  'DeviceClass',
  'ResourceSlice',
  'VolumeSnapshotClass',
  'VolumeSnapshotContent',
  'ClusterIssuer',
  'ClusterPolicy',
  'ClusterServingRuntime',
  'ClusterSecretStore',
  'ClusterFederatedTrustDomain',
  'ClusterSPIFFEID',
  'SecurityContextConstraints',
  'InitializerConfiguration',
  'ClusterTriggerAuthentication',
  'ConstraintTemplate',
  'K8sBlockIngressPathType',
  'ClusterRoleTemplate',
  'Project',
]);

export function isClusterScoped(kind: string, apiVersion: string): boolean {
  if (CLUSTER_SCOPED_KINDS.has(kind)) return true;
  // Gatekeeper constraints live in constraints.gatekeeper.sh and are all cluster-scoped.
  return apiVersion.startsWith('constraints.gatekeeper.sh/');
}

/** Built-in kinds that carry a pod template, and where it sits. */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

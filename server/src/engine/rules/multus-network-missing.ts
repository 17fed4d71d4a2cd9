// Rule: multus-network-missing
// A pod asks Multus for a secondary network (annotation k8s.v1.cni.cncf.io/networks) that no
// NetworkAttachmentDefinition provides: in the namespace the request names, else the pod's own.
// Multus then fails the pod's sandbox creation and the pod never starts. Reported only when the
// workspace defines NetworkAttachmentDefinitions at all (otherwise they come from elsewhere).
import { NETWORKS_ANNOTATION, readNetworkRequest } from '../model/multus';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';

/** The networks the pod template asks Multus for, and where (model/ownFacts.ts). */
const networkRequest = ownFact('workload', (workload) => {
  const request = readNetworkRequest(workload);
  return request && { span: request.value.span, selections: request.selections };
});

export default defineRule({
  id: 'multus-network-missing',
  severity: 'error',
  description: 'A pod requests a Multus network that no NetworkAttachmentDefinition provides.',
  remediation:
    "Create the NetworkAttachmentDefinition in the namespace the request names (or the pod's), or name the namespace it is in: namespace/name.",
  reach: 'workspace',
  check: {
    workload(ctx, workload) {
      if (!ctx.graph.hasAttachmentDefinitions) return;
      const request = networkRequest.of(workload.resource);
      if (!request) return;
      if (!request.selections) {
        ctx.report({
          span: request.span,
          message: `${NETWORKS_ANNOTATION} is neither a comma-separated list of networks nor a valid JSON list.`,
        });
        return;
      }
      for (const selection of request.selections) {
        const ns = selection.namespace ?? workload.template.namespace;
        if (ctx.graph.attachmentDefinitions(ns, selection.name).length > 0) continue;
        const elsewhere = ctx.graph.attachmentDefinitionsNamed(selection.name)[0];
        const hint = elsewhere
          ? ` One exists in namespace '${elsewhere.resource.namespace}'${selection.namespace ? '' : `: write ${elsewhere.resource.namespace}/${selection.name}`}.`
          : '';
        ctx.report({
          span: request.span,
          message: `No NetworkAttachmentDefinition '${selection.name}' in namespace '${ns}'; the pod cannot start.${hint}`,
          related: elsewhere
            ? [
                {
                  resource: elsewhere.resource,
                  message: 'NetworkAttachmentDefinition of that name in another namespace',
                },
              ]
            : [],
        });
      }
    },
  },
});

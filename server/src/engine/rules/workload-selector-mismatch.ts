// Rule: workload-selector-mismatch
// A controller's selector must match its own pod template's labels; the API server rejects the
// object otherwise ("selector does not match template labels", apps/v1 validation). Only the
// labels written in the template count here: the controller adds its own only to pods it creates.
// OpenShift DeploymentConfigs are validated the same way (an equality selector), and the Argo
// Rollouts controller refuses a Rollout likewise (InvalidSpec: no pods); other custom workloads are
// not judged (model/workload.ts selectorValidatedBy says who validates what). A CronJob's
// jobTemplate.spec.selector is rejected whenever it is set (ValidateJobTemplateSpec: "`selector`
// will be auto-generated"): each Job gets a generated controller-uid selector.
import { NO_RUNTIME_LABELS, formatSelector, termMayMatch } from '../selectors';
import { getPath } from '../tree';
import { selectorValidatedBy } from '../model/workload';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';

/** Where a CronJob sets jobTemplate.spec.selector (model/ownFacts.ts). */
const jobSelectorSpan = ownFact('workload', (_, resource) =>
  resource.kind === 'CronJob' ? getPath(resource.node, 'spec', 'jobTemplate', 'spec', 'selector')?.span : undefined,
);

export default defineRule({
  id: 'workload-selector-mismatch',
  severity: 'error',
  description:
    "A workload's selector does not match its own pod template labels; the API server (or the Rollouts controller) rejects it.",
  remediation: 'Make spec.selector a subset of spec.template.metadata.labels.',
  check: {
    workload(ctx, workload) {
      const resource = workload.resource;
      if (resource.kind === 'CronJob') {
        const span = jobSelectorSpan.of(resource);
        if (span && resource.apiVersion.startsWith('batch/')) {
          ctx.report({
            span,
            message:
              'jobTemplate.spec.selector must not be set: the API server generates each Job\'s selector ("`selector` will be auto-generated") and rejects this CronJob.',
          });
        }
        return;
      }
      const validator = selectorValidatedBy(resource);
      if (!validator || !workload.selector || workload.selector.invalid || workload.selector.terms.length === 0) return;
      const labels = { declared: workload.template.labels.declared, runtime: NO_RUNTIME_LABELS };
      const failing = workload.selector.terms.find((t) => !termMayMatch(t, labels));
      if (!failing) return;
      const templateLabels =
        Object.entries(labels.declared)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || 'none';
      ctx.report({
        span: failing.span,
        message: `Selector ${formatSelector(workload.selector)} does not match the pod template's labels (${templateLabels}); ${validator} rejects this ${resource.kind}${validator === 'the API server' ? '' : ' (InvalidSpec: it creates no pods)'}.`,
      });
    },
  },
});

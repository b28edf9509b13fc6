/** The custom usage query that maps the exporter's uwsgi groups onto a Kubernetes-like container. */

/** Labels the query gives each uwsgi group, as if it were a container of the motivating Deployment. */
export const SERVICE = { namespace: 'dojo', container: 'uwsgi' } as const;

/** Pod name of each phase: the leaking service, then the same service with worker recycling rolled out. */
export const POD_BY_GROUP: Record<string, string> = {
  uwsgi: 'dojo-django-7c9f8b6d4-x2k9p',
  'uwsgi-recycling': 'dojo-django-5d8b7f9c2-q7m4w',
};

/**
 * Builds the usage query for `--usage-query`: the peak resident memory of each uwsgi group over
 * `rangeSeconds`. Passing the checker's step there keeps every sample between two steps.
 * `label_replace` adds constant namespace and container labels and a pod per group. Groups whose
 * processes have exited report 0 and are left out.
 */
export function uwsgiUsageQuery(rangeSeconds: number): string {
  const groups = Object.keys(POD_BY_GROUP).join('|');
  let expression = `max_over_time(namedprocess_namegroup_memory_bytes{memtype="resident",groupname=~"${groups}"}[${rangeSeconds}s]) > 0`;
  expression = `label_replace(${expression}, "namespace", "${SERVICE.namespace}", "", "")`;
  expression = `label_replace(${expression}, "container", "${SERVICE.container}", "", "")`;
  for (const [groupname, pod] of Object.entries(POD_BY_GROUP)) {
    expression = `label_replace(${expression}, "pod", "${pod}", "groupname", "${groupname}")`;
  }
  return `max by (namespace, pod, container) (${expression})`;
}

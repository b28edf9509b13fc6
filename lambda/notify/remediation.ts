import { formatBytes } from '../config/units';

/** Runtimes whose memory settings a message can name. */
export type Runtime = 'celery' | 'uwsgi' | 'gunicorn' | 'jvm' | 'nodejs' | 'generic';

/** Suggested fix for one container. */
export interface RemediationHint {
  readonly runtime: Runtime;
  readonly text: string;
}

/**
 * Name patterns, checked in this order against the container, pod and image names, the id and
 * the evidence. Celery comes first because its workers often run from the web image, whose
 * name may mention uwsgi or gunicorn.
 */
const RUNTIME_PATTERNS: readonly { readonly runtime: Runtime; readonly pattern: RegExp }[] = [
  { runtime: 'celery', pattern: /celery/ },
  { runtime: 'uwsgi', pattern: /uwsgi/ },
  { runtime: 'gunicorn', pattern: /gunicorn/ },
  {
    runtime: 'jvm',
    pattern:
      /\b(java|jvm|openjdk|jdk|jre|spring|tomcat|jetty|wildfly|kafka|elasticsearch|opensearch|jenkins|keycloak|zookeeper|cassandra|solr|flink|spark|logstash|scala|kotlin)\b/,
  },
  // `node-exporter` and other exporters are Go programs, not Node.js.
  { runtime: 'nodejs', pattern: /\b(node(js)?|node\.js|next(js)?|nuxt|nestjs|express|v8)\b(?!-exporter)|max-old-space-size/ },
];

/**
 * Recognises the workload's runtime from its names and evidence and returns the memory setting
 * that usually fixes a slow leak in it.
 */
export function remediationHint(labels: Record<string, string>, evidence: readonly string[], limitBytes: number | null): RemediationHint {
  const haystack = [labels.container, labels.pod, labels.image, labels.job, ...evidence]
    .filter((text): text is string => typeof text === 'string')
    .join(' ')
    .toLowerCase();
  const runtime = RUNTIME_PATTERNS.find((entry) => entry.pattern.test(haystack))?.runtime ?? 'generic';
  return { runtime, text: hintText(runtime, limitBytes) };
}

function hintText(runtime: Runtime, limitBytes: number | null): string {
  switch (runtime) {
    case 'uwsgi':
      return (
        'uWSGI: recycle workers before they grow to the limit with max-requests (plus max-requests-delta ' +
        'so they do not restart together) and reload-on-rss set below the limit divided by the number of workers.'
      );
    case 'gunicorn':
      return 'Gunicorn: restart workers periodically with --max-requests and --max-requests-jitter so they restart at different times.';
    case 'celery':
      return (
        'Celery: set worker_max_memory_per_child (in KiB, below the limit divided by the concurrency) ' +
        'and worker_max_tasks_per_child (--max-memory-per-child, --max-tasks-per-child).'
      );
    case 'nodejs':
      return (
        `Node.js: cap the V8 heap with --max-old-space-size=${nodeHeapMiB(limitBytes)} (about 75 % of the limit, in MiB) ` +
        'so that the garbage collector works before the kernel kills the container, then look for the leak in heap snapshots.'
      );
    case 'jvm':
      return (
        'JVM: size the heap from the container limit with -XX:MaxRAMPercentage=75 instead of a fixed -Xmx, ' +
        'and check metaspace, thread stacks and direct buffers, which live outside the heap.'
      );
    case 'generic':
      return (
        `Find what grows (heap profiles an hour apart), or raise the limit${limitBytes ? ` above ${formatBytes(limitBytes)}` : ''} ` +
        'if the growth is expected. A scheduled restart only buys time.'
      );
  }
}

function nodeHeapMiB(limitBytes: number | null): string {
  if (limitBytes === null) {
    return '<75 % of the limit>';
  }
  return String(Math.floor((limitBytes * 0.75) / 1024 ** 2));
}

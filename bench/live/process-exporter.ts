/** prometheus-process-exporter, grouping the uwsgi processes of each phase by their command line. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePort, startGroup, waitForHttp, type ProcessGroup } from '../../lambda/local-prometheus/process-group';

/** A process group for the exporter: processes named uwsgi whose command line contains `directory`. */
export interface ExporterGroup {
  readonly groupname: string;
  readonly directory: string;
}

/** A running exporter. */
export interface ProcessExporter {
  /** host:port, for a Prometheus scrape target. */
  readonly target: string;
  readonly metricsUrl: string;
  readonly group: ProcessGroup;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Writes the exporter's config and starts it on a free loopback port. Matching on `comm` as
 * well as the command line keeps the exporter itself, whose command line names the config file
 * in the same directory, out of the groups.
 */
export async function startProcessExporter(workDirectory: string, groups: readonly ExporterGroup[]): Promise<ProcessExporter> {
  const configPath = join(workDirectory, 'process-exporter.yml');
  const config = {
    process_names: groups.map((group) => ({ name: group.groupname, comm: ['uwsgi'], cmdline: [`${escapeRegex(group.directory)}/`] })),
  };
  // JSON is valid YAML.
  await writeFile(configPath, JSON.stringify(config, null, 2));

  const port = await findFreePort();
  const group = await startGroup('prometheus-process-exporter', 'prometheus-process-exporter', [
    '-config.path',
    configPath,
    '-web.listen-address',
    `127.0.0.1:${port}`,
    // smaps gives proportional RSS, which the bench does not use; reading it for every process each second costs CPU.
    '-gather-smaps=false',
    '-threads=false',
  ]);
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  try {
    await waitForHttp(metricsUrl, group);
  } catch (error) {
    await group.stop();
    throw error;
  }
  return { target: `127.0.0.1:${port}`, metricsUrl, group };
}

/** Reads the resident memory of one group from the exporter, or null when the group is not reported. */
export async function readResidentBytes(metricsUrl: string, groupname: string): Promise<number | null> {
  const response = await fetch(metricsUrl);
  const text = await response.text();
  const pattern = new RegExp(`^namedprocess_namegroup_memory_bytes\\{groupname="${escapeRegex(groupname)}",memtype="resident"\\} (\\S+)$`, 'm');
  const match = pattern.exec(text);
  return match === null ? null : Number(match[1]);
}

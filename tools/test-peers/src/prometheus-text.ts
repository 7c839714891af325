/**
 * Reading a program's `/metrics` (Prometheus text format) in tests: fetch
 * it, then take one sample or the sum of several.
 */

/** The `/metrics` text of the operations listener at `httpAddress` (`host:port`). */
export async function fetchMetrics(httpAddress: string): Promise<string> {
  return (await fetch(`http://${httpAddress}/metrics`)).text();
}

/** The value of the first sample of `name` in `/metrics` text whose labels include `labels`, or undefined. */
export function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** The sum of every sample of `name` in `/metrics` text whose labels include `labels`. */
export function total(metrics: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const labelText = line.startsWith(name + '{') ? line.slice(name.length, line.lastIndexOf('}') + 1) : '';
    if (wanted.every((w) => labelText.includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

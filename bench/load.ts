// One load run, in its own process: autocannon against one URL, a warm-up then the measured run.
// Reads its options as JSON from argv[2]; prints the measured result as JSON.
import autocannon from 'autocannon';

interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

const options = JSON.parse(process.argv[2]!) as LoadOptions;
const run = (duration: number) =>
  autocannon({ url: options.url, method: options.method, headers: options.headers, body: options.body, connections: options.connections, duration });

await run(options.warmupSeconds);
const result = await run(options.durationSeconds);
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  })}\n`,
);

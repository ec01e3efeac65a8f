import autocannon from 'autocannon';
import { signatureHeader } from '../../sync/numerik/signature.js';

/**
 * The load side of `bench -- inbound`, run as its own process: signed webhook deliveries, each a
 * new event, at a fixed rate over 4 keep-alive connections (autocannon's `overallRate` spread over
 * many connections bunches requests and measures its own queueing). Prints the latency as JSON.
 */
const CONNECTIONS = 4;
const [url, secret, rate, seconds, postIds] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]), process.argv[6]!.split(',')];
/** Without post ids: the same load on a route that does nothing, as this machine's baseline. */
const baseline = postIds.length === 1 && postIds[0] === '-';
let n = 0;
const result = await autocannon({
  url: baseline ? url.replace(/\/webhooks\/numerik$/, '/baseline') : url,
  connections: CONNECTIONS,
  connectionRate: rate / CONNECTIONS,
  duration: seconds,
  requests: [
    {
      method: 'POST',
      setupRequest: (request) => {
        n += 1;
        const body = JSON.stringify({ id: `evt_bench_${process.pid}_${n}`, type: 'post.updated', created_at: new Date().toISOString(), data: { post_id: postIds[n % postIds.length], version: 1 } });
        const timestamp = Math.floor(Date.now() / 1000);
        return { ...request, body, headers: { 'content-type': 'application/json', 'numerik-timestamp': String(timestamp), 'numerik-signature': signatureHeader([secret], timestamp, body) } };
      },
    },
  ],
});
process.stdout.write(JSON.stringify({ requests: result.requests.total, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, latency: result.latency }));

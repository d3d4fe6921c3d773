/**
 * bench:web — the web API under load on loopback, against a bare node:http ceiling measured in the same run.
 *
 *   npm run bench:web [-- --json] [--duration 5] [--rounds 3] [--connections 50] [--rate 1000]
 *
 * Servers run as their own processes pinned to CPU 0, this load generator on CPU 1 (when taskset and two cores are
 * there). Targets are interleaved round by round; the ratio is the median of per-round ratios, because absolute
 * figures on a shared machine move by several times between runs while ratios measured together hold.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Agent, request as httpRequest } from 'node:http';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { openWebConversation, type WebConversation } from '../helpers/web-client.js';
import { projectRoot } from '../helpers/start-test-chat.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const asJson = args.includes('--json');
const duration = option('duration', 5);
const rounds = option('rounds', 3);
const connections = option('connections', 50);
const fixedRate = option('rate', 1000);
const log = (line: string) => (asJson ? process.stderr.write(`${line}\n`) : console.log(line));

const canPin = cpus().length >= 2 && (() => {
  try {
    execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** CPU time (user + system) a process has used, in microseconds, from /proc. */
function cpuMicroseconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return NaN;
  }
}

interface Target {
  name: 'ceiling' | 'frontdesk';
  server: ServerProcess;
  pid: number;
  conversations: WebConversation[];
}

async function load(target: Target, seconds: number) {
  const latencies: number[] = [];
  let nextConversation = 0;
  let errors = 0;
  const cpuBefore = cpuMicroseconds(target.pid);
  const instance = autocannon({
    url: target.server.url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
          // One conversation per connection: 50 customers, each waiting for its answer before writing again.
          const conversation = (context.conversation ??= target.conversations[nextConversation++ % target.conversations.length]!) as WebConversation;
          return {
            ...request,
            path: `/api/web/conversations/${conversation.conversationId}/messages`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}` },
            body: JSON.stringify({ text: 'hello', clientMessageId: randomUUID() }),
          };
        },
      },
    ],
  } as autocannon.Options) as unknown as Promise<autocannon.Result> & import('node:events').EventEmitter;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode === 200) latencies.push(responseTime);
    else errors++;
  });
  const result = await instance;
  const cpuUsed = cpuMicroseconds(target.pid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors: errors + result.errors + result.timeouts,
    cpuMicrosecondsPerRequest: cpuUsed / Math.max(1, latencies.length),
    // Share of one core the server used: well under 1 means the load generator, not the server, was the limit.
    serverCpuShare: cpuUsed / (seconds * 1e6),
  };
}

/**
 * Open-loop load at a fixed rate, evenly spaced (autocannon's overallRate paces every connection on its own timer,
 * so all of them fire together in bursts, which measures the burst and not the rate). Each request goes to the
 * next conversation in turn, so one conversation sends every `connections / rate` seconds.
 */
async function fixedRateLoad(target: Target, rate: number, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const cpuBefore = cpuMicroseconds(target.pid);
  await new Promise<void>((resolve) => {
    const fire = () => {
      const conversation = target.conversations[sent % target.conversations.length]!;
      sent++;
      inFlight++;
      const body = JSON.stringify({ text: 'hello', clientMessageId: randomUUID() });
      const begin = performance.now();
      const request = httpRequest(`${target.server.url}/api/web/conversations/${conversation.conversationId}/messages`, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}`, 'content-length': Buffer.byteLength(body) } }, (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode === 200) latencies.push(performance.now() - begin);
          else errors++;
          inFlight--;
          if (sent >= total && inFlight === 0) resolve();
        });
      });
      request.on('error', () => {
        errors++;
        inFlight--;
        if (sent >= total && inFlight === 0) resolve();
      });
      request.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sent < due) fire();
      if (sent < total) setImmediate(tick);
    };
    tick();
  });
  const elapsed = (performance.now() - started) / 1000;
  const cpuUsed = cpuMicroseconds(target.pid) - cpuBefore;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), errors, cpuMicrosecondsPerRequest: cpuUsed / Math.max(1, latencies.length) };
}

async function main() {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-bench-'));
  const pin = canPin ? '0' : undefined;
  log(`bench:web on ${cpus().length} cores, ${canPin ? 'servers pinned to CPU 0, load generator on CPU 1' : 'no CPU pinning (taskset or a second core missing): figures are noisier'}`);
  const ceilingPort = await freePort();
  const ceilingChild = spawn(pin ? 'taskset' : process.execPath, pin ? ['-c', pin, process.execPath, join(projectRoot, 'test/bench/bare-server.mjs'), String(ceilingPort)] : [join(projectRoot, 'test/bench/bare-server.mjs'), String(ceilingPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => ceilingChild.stdout!.once('data', () => resolve()));
  const ceiling: Target = { name: 'ceiling', server: { url: `http://127.0.0.1:${ceilingPort}`, child: ceilingChild, output: () => '', kill: async () => void ceilingChild.kill() }, pid: ceilingChild.pid!, conversations: Array.from({ length: connections }, (_, index) => ({ conversationId: `c_${index}`, token: 'x' })) };

  const frontdeskServer = await startServerProcess({
    port: await freePort(),
    taskset: pin,
    // The demo flows as shipped; the per-conversation rate limit is off because 50 simulated customers send far
    // faster than people type.
    env: { FRONTDESK_DATA_DIR: dataDirectory, FRONTDESK_WEB_RATE_LIMIT: '0', LOG_LEVEL: 'warn' },
  });
  // taskset execs the program it is given, so the child's pid is the server's own.
  const frontdesk: Target = { name: 'frontdesk', server: frontdeskServer, pid: frontdeskServer.child.pid!, conversations: await Promise.all(Array.from({ length: connections }, () => openWebConversation(frontdeskServer.url))) };

  try {
    log(`warming up (2 s each)…`);
    await load(ceiling, 2);
    await load(frontdesk, 2);
    const perRound: Array<{ ceiling: Awaited<ReturnType<typeof load>>; frontdesk: Awaited<ReturnType<typeof load>> }> = [];
    for (let index = 0; index < rounds; index++) {
      const order = index % 2 === 0 ? [ceiling, frontdesk] : [frontdesk, ceiling];
      const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
      for (const target of order) results[target.name] = await load(target, duration);
      perRound.push({ ceiling: results.ceiling!, frontdesk: results.frontdesk! });
      log(`round ${index + 1}/${rounds}: ceiling ${Math.round(results.ceiling!.rps)} msg/s (${Math.round(results.ceiling!.serverCpuShare * 100)} % CPU), frontdesk ${Math.round(results.frontdesk!.rps)} msg/s (${Math.round(results.frontdesk!.serverCpuShare * 100)} % CPU), ratio ${round(results.frontdesk!.rps / results.ceiling!.rps, 3)}, by CPU time ${round(results.ceiling!.cpuMicrosecondsPerRequest / results.frontdesk!.cpuMicrosecondsPerRequest, 3)}`);
    }
    // Several fixed-rate rounds, reported by their median: on a shared VM one 5-second run can catch a stall of the
    // host (identical runs have differed 5×), and every round's p99 is printed so that noise stays visible.
    log(`fixed rate: ${fixedRate} msg/s from ${connections} conversations, ${rounds} rounds of ${duration} s…`);
    const fixedRounds: Array<{ ceiling: Awaited<ReturnType<typeof fixedRateLoad>>; frontdesk: Awaited<ReturnType<typeof fixedRateLoad>> }> = [];
    for (let index = 0; index < rounds; index++) {
      const frontdeskRound = await fixedRateLoad(frontdesk, fixedRate, duration);
      const ceilingRound = await fixedRateLoad(ceiling, fixedRate, duration);
      fixedRounds.push({ ceiling: ceilingRound, frontdesk: frontdeskRound });
      log(`fixed round ${index + 1}/${rounds}: Frontdesk p50 ${round(frontdeskRound.p50Ms)} ms, p99 ${round(frontdeskRound.p99Ms)} ms; ceiling p99 ${round(ceilingRound.p99Ms)} ms`);
    }
    const fixedMedian = (name: 'ceiling' | 'frontdesk', key: 'p50Ms' | 'p99Ms' | 'rps') => median(fixedRounds.map((result) => result[name][key]));

    const summarize = (name: 'ceiling' | 'frontdesk') => ({
      rps: Math.round(median(perRound.map((result) => result[name].rps))),
      p50Ms: round(median(perRound.map((result) => result[name].p50Ms))),
      p99Ms: round(median(perRound.map((result) => result[name].p99Ms))),
    });
    const output = {
      ceiling: summarize('ceiling'),
      frontdesk: summarize('frontdesk'),
      ratio: round(median(perRound.map((result) => result.frontdesk.rps / result.ceiling.rps)), 3),
      fixedRate: {
        rate: fixedRate,
        p50Ms: round(fixedMedian('frontdesk', 'p50Ms')),
        p99Ms: round(fixedMedian('frontdesk', 'p99Ms')),
        p99MsPerRound: fixedRounds.map((result) => round(result.frontdesk.p99Ms)),
        achievedRps: Math.round(fixedMedian('frontdesk', 'rps')),
        ceiling: { p50Ms: round(fixedMedian('ceiling', 'p50Ms')), p99Ms: round(fixedMedian('ceiling', 'p99Ms')), p99MsPerRound: fixedRounds.map((result) => round(result.ceiling.p99Ms)) },
      },
      cpuMicrosecondsPerRequest: {
        ceiling: Math.round(median(perRound.map((result) => result.ceiling.cpuMicrosecondsPerRequest))),
        frontdesk: Math.round(median(perRound.map((result) => result.frontdesk.cpuMicrosecondsPerRequest))),
      },
      // The same comparison by server CPU time per message: it does not depend on the load generator keeping up.
      cpuRatio: round(median(perRound.map((result) => result.ceiling.cpuMicrosecondsPerRequest / result.frontdesk.cpuMicrosecondsPerRequest)), 3),
      serverCpuShare: {
        ceiling: round(median(perRound.map((result) => result.ceiling.serverCpuShare))),
        frontdesk: round(median(perRound.map((result) => result.frontdesk.serverCpuShare))),
      },
      errors: perRound.reduce((sum, result) => sum + result.frontdesk.errors + result.ceiling.errors, 0) + fixedRounds.reduce((sum, result) => sum + result.frontdesk.errors, 0),
      setup: { connections, durationSeconds: duration, rounds, pinned: canPin, node: process.version },
    };
    if (output.serverCpuShare.ceiling < 0.85) {
      log(`warning: the bare server used only ${Math.round(output.serverCpuShare.ceiling * 100)} % of its core, so the load generator, not the server, set the ceiling and the throughput ratio overstates Frontdesk. Trust the CPU-time ratio, or rerun on a quieter machine.`);
    }
    if (asJson) {
      console.log(JSON.stringify(output));
    } else {
      console.log('\n| target | msg/s (closed loop, 50 conv.) | p50 ms | p99 ms | server CPU µs/msg |');
      console.log('|---|---|---|---|---|');
      console.log(`| bare node:http (ceiling) | ${output.ceiling.rps} | ${output.ceiling.p50Ms} | ${output.ceiling.p99Ms} | ${output.cpuMicrosecondsPerRequest.ceiling} |`);
      console.log(`| Frontdesk full turn | ${output.frontdesk.rps} | ${output.frontdesk.p50Ms} | ${output.frontdesk.p99Ms} | ${output.cpuMicrosecondsPerRequest.frontdesk} |`);
      console.log(`\nratio (median of per-round ratios): ${output.ratio}× the ceiling`);
      console.log(`by server CPU time per message: ${output.cpuRatio}× (servers used ${Math.round(output.serverCpuShare.ceiling * 100)} % / ${Math.round(output.serverCpuShare.frontdesk * 100)} % of their core)`);
      console.log(`fixed rate ${fixedRate} msg/s (median of ${rounds} rounds): Frontdesk p50 ${output.fixedRate.p50Ms} ms, p99 ${output.fixedRate.p99Ms} ms (rounds: ${output.fixedRate.p99MsPerRound.join(', ')}; achieved ${output.fixedRate.achievedRps} msg/s; the ceiling at the same rate: p50 ${output.fixedRate.ceiling.p50Ms} ms, p99 ${output.fixedRate.ceiling.p99Ms} ms)`);
      console.log(`errors: ${output.errors}`);
    }
  } finally {
    ceilingChild.kill();
    await frontdeskServer.kill('SIGTERM');
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

await main();

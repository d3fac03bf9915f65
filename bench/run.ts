import { cpus, totalmem } from 'node:os';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { browserBench, type BrowserResult } from './browser';
import { coldLoad } from './cold-load';
import { longIncident, openIncidents } from './growth';
import { clusterPropagation, propagation } from './propagation';
import { reachBench } from './reach';
import { refusalFlood } from './refusals';
import { startHocuspocus, startReference, startZorgbeeld, startZorgbeeldCluster } from './servers';
import { stockPropagation } from './stock-clients';
import { sustained } from './sustained';

// `npm run bench` — every target, measured, written to docs/benchmarks.md;
// `-- --quick` shortens every section; `-- --no-browser` skips Chromium; `-- --only=a,b` runs the
// named sections alone and writes nothing (sections: see SECTIONS below).
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const SECTIONS = ['propagation', 'stock', 'sustained', 'cluster', 'refusals', 'cold', 'growth', 'reach', 'browser'] as const;
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
for (const name of only ?? []) if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section ${name}; sections: ${SECTIONS.join(', ')}`);
// Rounds measured per server in the side-by-side rows. A round's deliveries share one first byte,
// so rounds, not deliveries, are the samples: with 100 of them the fresh board's p50 ratio to
// the reference moved between 0.97 and 1.50 in three runs of the same code (2026-12-05), with 500
// between 0.98 and 1.20 in twelve (docs/benchmark-notes.md).
const SIDE_BY_SIDE_ROUNDS = quick ? 30 : 500;
const runs = (section: (typeof SECTIONS)[number]) => (only ? only.includes(section) : section !== 'browser' || !args.has('--no-browser'));
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const pair = (x: { p50: number; p99: number }, digits = 2) => `${f(x.p50, digits)} / ${f(x.p99, digits)}`;
const rows: [string, string, string, string][] = [];
const row = (what: string, measured: string, target: string, ok: boolean | null) => {
  rows.push([what, measured, target, ok === null ? '' : ok ? 'met' : 'MISSED']);
  console.log(`${what.padEnd(58)} ${measured.padEnd(34)} ${target.padEnd(22)} ${ok === null ? '' : ok ? 'met' : 'MISSED'}`);
};

async function main(): Promise<void> {
  // The server under test serves the built pages; build once if this checkout has no build yet.
  if (!existsSync(resolve(import.meta.dirname, '../build/handler.js'))) {
    const built = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: resolve(import.meta.dirname, '..') });
    if (built.status !== 0) throw new Error('npm run build failed');
  } else {
    // The server is measured as `npm start` runs it: bundled again from these sources.
    const bundled = spawnSync(process.execPath, ['--import', 'tsx', 'server/bundle.ts'], { stdio: 'inherit', cwd: resolve(import.meta.dirname, '..') });
    if (bundled.status !== 0) throw new Error('bundling the server failed');
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  console.log(`Zorgbeeld benchmarks · ${date} · ${machine}\n`);

  const stockSection = async () => {
    const [zorgbeeld, reference, hocuspocus] = await Promise.all([startZorgbeeld(), startReference(), startHocuspocus()]);
    try {
      const [ours, ref, hp] = await stockPropagation({ zorgbeeld, reference, hocuspocus, rounds: SIDE_BY_SIDE_ROUNDS });
      row(`Stock clients: 100 WebsocketProvider readers, Zorgbeeld p50 / p99 (ms)`, `${pair(ours)} (${ours.samples} deliveries)`, '≤ both peers', ours.p50 <= Math.min(ref.p50, hp.p50) && ours.p99 <= Math.min(ref.p99, hp.p99));
      row('Stock clients: reference y-websocket@2.1.0 p50 / p99 (ms)', pair(ref), '', null);
      row('Stock clients: Hocuspocus 3.4 (auth hook, persistence; own provider) p50 / p99 (ms)', pair(hp), '', null);
    } finally {
      await Promise.all([zorgbeeld.stop(), reference.stop(), hocuspocus.stop()]);
    }
  };
  const refusalsSection = async () => {
    const server = await startZorgbeeld();
    try {
      // The size in the full run: 100,000 updates from 5,000 clientIDs. Writing them takes
      // about five minutes here since updates that arrive together share a Yjs transaction (it
      // took most of an hour while every update had one: see benchmark-notes.md).
      const r = await refusalFlood({ server, history: quick ? 20000 : 100000, seconds: quick ? 10 : 20 });
      row(`History: fresh incident, ${r.fresh.clients} clients, ${f(r.fresh.rate, 0)} updates/s: p50 / p99 (ms)`, pair(r.fresh, 1), '', null);
      row(`History: after ${r.history.toLocaleString('en')} updates from ${r.clientIds.toLocaleString('en')} clientIDs: p50 / p99 (ms)`, pair(r.long, 1), 'same as fresh (p99 ≤ fresh × 1.25 + 1 ms)', r.long.p99 <= r.fresh.p99 * 1.25 + 1);
      row(`Refusal flood: ${r.refused} forbidden updates (20/s, reconnecting) meanwhile: p50 / p99 (ms)`, pair(r.flood, 1), 'p99 ≤ 50', r.flood.p99 <= 50 && r.refused > 0);
      row('Refusal flood: updates lost (probe clients · final state)', `${r.flood.lost} · ${r.flood.finalStateMissing}`, '0', r.flood.lost === 0 && r.flood.finalStateMissing === 0);
    } finally {
      await server.stop();
    }
  };
  const propagationSection = async () => {
    const [zorgbeeld, reference, hocuspocus] = await Promise.all([startZorgbeeld(), startReference(), startHocuspocus()]);
    try {
      const [ours, theirs, hp] = await propagation({ zorgbeeld, reference, hocuspocus, rounds: SIDE_BY_SIDE_ROUNDS });
      row('Propagation to 200 clients, Zorgbeeld p50 / p99 (ms)', `${pair(ours)} (${ours.samples} deliveries)`, 'p50 ≤ 10, p99 ≤ 50', ours.p50 <= 10 && ours.p99 <= 50);
      row('Propagation to 200 clients, reference p50 / p99 (ms)', pair(theirs), '', null);
      row('Propagation to 200 clients, Hocuspocus 3.4 p50 / p99 (ms)', pair(hp), '', null);
      row('Ratio Zorgbeeld / reference, p50 · p99', `${f(ours.p50 / theirs.p50, 2)} · ${f(ours.p99 / theirs.p99, 2)}`, '≤ 1 (no slower)', ours.p50 <= theirs.p50 && ours.p99 <= theirs.p99);
      row('Ratio Zorgbeeld / Hocuspocus, p50 · p99', `${f(ours.p50 / hp.p50, 2)} · ${f(ours.p99 / hp.p99, 2)}`, '≤ 1 (no slower)', ours.p50 <= hp.p50 && ours.p99 <= hp.p99);
      // The same rounds on documents that 5,000 devices have written to (issue #16: the work per
      // update must not grow with the history). Every Yjs transaction walks every clientID.
      const clientIds = quick ? 1000 : 5000;
      const [lo, lr, lh] = await propagation({ zorgbeeld, reference, hocuspocus, rounds: SIDE_BY_SIDE_ROUNDS, history: clientIds });
      const more = (long: { p50: number }, fresh: { p50: number }) => `+${f(long.p50 - fresh.p50, 2)}`;
      row(`Propagation to 200 clients after ${clientIds.toLocaleString('en')} clientIDs, Zorgbeeld p50 / p99 (ms)`, pair(lo), 'same as fresh (p99 ≤ fresh × 1.25)', lo.p99 <= ours.p99 * 1.25);
      row(`Propagation to 200 clients after ${clientIds.toLocaleString('en')} clientIDs, reference p50 / p99 (ms)`, pair(lr), '', null);
      row(`Propagation to 200 clients after ${clientIds.toLocaleString('en')} clientIDs, Hocuspocus 3.4 p50 / p99 (ms)`, pair(lh), '', null);
      row(`Ratio after ${clientIds.toLocaleString('en')} clientIDs, Zorgbeeld / reference · / Hocuspocus, p50 · p99`, `${f(lo.p50 / lr.p50, 2)} · ${f(lo.p99 / lr.p99, 2)} · ${f(lo.p50 / lh.p50, 2)} · ${f(lo.p99 / lh.p99, 2)}`, '≤ 1 (no slower)', lo.p50 <= Math.min(lr.p50, lh.p50) && lo.p99 <= Math.min(lr.p99, lh.p99));
      row('Propagation, added by the history at p50: Zorgbeeld · reference · Hocuspocus (ms)', `${more(lo, ours)} · ${more(lr, theirs)} · ${more(lh, hp)}`, '', null);
    } finally {
      await Promise.all([zorgbeeld.stop(), reference.stop(), hocuspocus.stop()]);
    }
  };

  const sustainedSection = async () => {
    const loaded = await startZorgbeeld();
    try {
      const s = await sustained({ server: loaded, seconds: quick ? 10 : 60 });
      row(`Sustained ${s.clients} clients, ${f(s.rate, 0)} updates/s for ${s.seconds} s: p50 / p99 (ms)`, pair(s, 1), 'p99 ≤ 100', s.p99 <= 100);
      row('Sustained: updates lost (probe clients · final state)', `${s.lost} · ${s.finalStateMissing}`, '0', s.lost === 0 && s.finalStateMissing === 0);
      row('Sustained: server CPU · peak RSS', `${f(s.cpuPercent, 0)} % · ${f(s.peakRssMb, 0)} MB`, 'RSS ≤ 300 MB', s.peakRssMb <= 300);
    } finally {
      await loaded.stop();
    }
  };

  // Several servers on one PostgreSQL database and Redis (issue #17), next to the single process above.
  const clusterSection = async () => {
    const three = await startZorgbeeldCluster(3);
    try {
      const [across, alone] = await clusterPropagation({ servers: three, rounds: quick ? 30 : 100 });
      row(`Three servers: propagation p50 / p99, ${across.name} (ms)`, pair(across), 'p99 ≤ 50', across.p99 <= 50);
      row(`Three servers: propagation p50 / p99, ${alone.name} (ms)`, pair(alone), 'p99 ≤ 50', alone.p99 <= 50);
      const s = await sustained({ server: three[0], spread: three, seconds: quick ? 10 : 60 });
      row(`Three servers: sustained ${s.clients} clients spread over them, ${f(s.rate, 0)} updates/s for ${s.seconds} s: p50 / p99 (ms)`, pair(s, 1), 'p99 ≤ 100', s.p99 <= 100);
      row('Three servers, sustained: updates lost (probe clients · final state)', `${s.lost} · ${s.finalStateMissing}`, '0', s.lost === 0 && s.finalStateMissing === 0);
      row('Three servers, sustained: CPU of all three · peak RSS of one', `${f(s.cpuPercent, 0)} % · ${f(s.peakRssMb, 0)} MB`, '', null);
    } finally {
      await three[0].stop();
    }
    // What one server carries on PostgreSQL: the same load on one of them alone.
    const [one] = await startZorgbeeldCluster(1);
    try {
      const s = await sustained({ server: one, seconds: quick ? 10 : 60 });
      row(`One server on PostgreSQL + Redis: sustained ${s.clients} clients, ${f(s.rate, 0)} updates/s: p50 / p99 (ms)`, pair(s, 1), 'p99 ≤ 100', s.p99 <= 100);
      row('One server on PostgreSQL + Redis: lost · CPU · peak RSS', `${s.lost + s.finalStateMissing} · ${f(s.cpuPercent, 0)} % · ${f(s.peakRssMb, 0)} MB`, '0 lost', s.lost + s.finalStateMissing === 0);
    } finally {
      await one.stop();
    }
  };

  const coldSection = async () => {
    const cold = await coldLoad({ updates: quick ? 20000 : 100000 });
    row(`Cold load of an incident with ${cold.updates.toLocaleString('en')} updates (${f(cold.logMb, 0)} MB log): a joining client answered from the stored state`, `${f(cold.answerMs, 0)} ms`, '≤ 500 ms', cold.answerMs <= 500);
    row(`Cold load of the same: the room's document built (writes wait for it)`, `${f(cold.loadMs, 0)} ms`, '', null);
    row('Review: read the log into the replay index, once per incident', `${f(cold.indexMs, 0)} ms`, '', null);
    row('Review: seek to a random T (state API, JSON), p50 / p99 / max', `${f(cold.seekP50, 1)} / ${f(cold.seekP99, 1)} / ${f(cold.seekMax, 1)} ms`, '≤ 300 ms', cold.seekMax <= 300);
    row('Yjs state at a random T (binary state API), p50 / max', `${f(cold.yjsSeekP50, 0)} / ${f(cold.yjsSeekMax, 0)} ms`, '', null);
  };

  const reachSection = async () => {
    const reach = await reachBench();
    row(`Alert to ${reach.organisations} organisations: ${reach.mails} mails accepted by SMTP`, `${f(reach.mailMs, 0)} ms`, '≤ 5000 ms', reach.mailMs <= 5000);
    row(`Alert to ${reach.organisations} organisations: ${reach.sms} SMS accepted by the gateway`, `${f(reach.smsMs, 0)} ms`, '≤ 5000 ms', reach.smsMs <= 5000);
    row('Alert sent, in-app alert out (POST answered)', `${f(reach.apiMs, 0)} ms`, '', null);
  };

  const browserSection = async () => {
    for (const [scale, target] of [[1, 1500], [10, 3000]] as const) {
      const server = await startZorgbeeld({ scale });
      let b: BrowserResult;
      try {
        b = await browserBench(server);
      } finally {
        await server.stop();
      }
      row(`Board ready, map with ${b.locations.toLocaleString('en')} coloured locations`, `${f(b.readyMs, 0)} ms`, `≤ ${target} ms`, b.readyMs <= target);
      row(`One status change, its write on a client to the repainted frame (${b.locations.toLocaleString('en')})`, `${f(b.repaintMs, 0)} ms`, '', null);
      // One frame at 60 Hz: the change is in the first frame after it arrives, map included.
      row(`One status change, its arrival in the page to the frame that shows it, p50 / max (${b.locations.toLocaleString('en')})`, `${f(b.inPageMs, 1)} / ${f(b.inPageMaxMs, 1)} ms`, '≤ 16.7 ms (one frame)', b.inPageMs <= 16.7);
      row(
        `Long tasks (> 50 ms) while panning/zooming (${b.locations.toLocaleString('en')})`,
        b.calibrated ? `${b.longTasks}, longest ${f(b.longestTaskMs, 0)} ms` : 'observer saw nothing (not measured)',
        '',
        null,
      );
    }
  };

  const growthSection = async () => {
    const server = await startZorgbeeld();
    try {
      const steps = await openIncidents({ server, steps: quick ? [2, 4, 8] : [5, 10, 20], seconds: quick ? 4 : 10 });
      for (const step of steps) {
        row(`Open at once: ${step.incidents} incidents × 50 clients (${step.clients}), 4 updates/s each: p50 / p99 (ms) · server RSS`, `${f(step.p50, 1)} / ${f(step.p99, 1)} · ${f(step.rssMb, 0)} MB`, 'p99 ≤ 50', step.p99 <= 50);
      }
      const [first, last] = [steps[0], steps[steps.length - 1]];
      row(`Open at once: server RSS per further incident with 50 clients (${first.incidents} → ${last.incidents})`, `${f((last.rssMb - first.rssMb) / (last.incidents - first.incidents), 1)} MB`, '', null);
    } finally {
      await server.stop();
    }
    for (const step of await longIncident({ sizes: quick ? [25000, 50000, 100000] : [125000, 250000, 500000, 1000000] })) {
      row(
        `Long incident, ${step.updates.toLocaleString('en')} updates (${f(step.logMb, 0)} MB log): cold load · heap · review index · seek p50 / max`,
        `${f(step.loadMs, 0)} ms · ${f(step.heapMb, 0)} MB · ${f(step.indexMs / 1000, 1)} s · ${f(step.seekP50, 1)} / ${f(step.seekMax, 1)} ms`,
        'seek ≤ 300 ms',
        step.seekMax <= 300,
      );
    }
  };
  const run: Record<(typeof SECTIONS)[number], () => Promise<void>> = {
    propagation: propagationSection,
    stock: stockSection,
    sustained: sustainedSection,
    cluster: clusterSection,
    refusals: refusalsSection,
    cold: coldSection,
    growth: growthSection,
    reach: reachSection,
    browser: browserSection,
  };
  for (const section of SECTIONS) if (runs(section)) await run[section]();

  if (only) return;
  const table = [
    '| measure | result | target | |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  const file = resolve(import.meta.dirname, '../docs/benchmarks.md');
  writeFileSync(
    file,
    `# Benchmarks\n\nLatest run of \`npm run bench${quick ? ' -- --quick' : ''}\` on ${date}.\n\nMachine: ${machine}. Server, clients and Chromium share the machine; loopback network.\n\n${table}\n\nHow each figure is measured: see \`bench/\` (propagation: one writer, 200 protocol-level receivers, rounds alternating between Zorgbeeld, the reference and Hocuspocus; sustained: 25 writers, 20 probe clients that read the send time written into each update's values, the rest receivers, measured after 2 s of the same load that is not; cold load: a generated log with checkpoints every 1000 updates, as the server writes them; browser: Debian Chromium via playwright-core, times taken by the page itself).\n`,
  );
  console.log(`\nwritten to ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

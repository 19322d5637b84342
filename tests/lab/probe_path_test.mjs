// probe_path.mjs against a capture built here: probes and echoes framed as
// the probe lane frames them, a text count and a lone frame header beside
// them, two echoes in one segment, one probe whose echo never came.
//   node tests/lab/probe_path_test.mjs     (exit 1 on a failed check)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { probePath } from './probe_path.mjs';

// One Ethernet + IPv4 + TCP (20-byte header) packet carrying `payload`.
function packet(payload, toServer) {
  const ip = Buffer.alloc(20), tcp = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[9] = 6;
  tcp.writeUInt16BE(toServer ? 50000 : 8080, 0);
  tcp.writeUInt16BE(toServer ? 8080 : 50000, 2);
  tcp[12] = 5 << 4;
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  return Buffer.concat([eth, ip, tcp, payload]);
}

function pcap(records) {  // records: [seconds, packet]
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  const parts = [head];
  for (const [t, p] of records) {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(t), 0);
    rec.writeUInt32LE(Math.round((t - Math.floor(t)) * 1e6), 4);
    rec.writeUInt32LE(p.length, 8);
    rec.writeUInt32LE(p.length, 12);
    parts.push(rec, p);
  }
  return Buffer.concat(parts);
}

function probeFrame(seq) {  // client to server: masked binary, 12 bytes
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const body = Buffer.alloc(12);
  body.writeUInt32LE(seq, 0);
  body.writeBigUInt64LE(BigInt(seq) * 50000n, 4);
  const masked = Buffer.from(body.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x82, 0x80 | 12]), mask, masked]);
}

function echoFrame(seq) {  // server to client: binary, 24 bytes
  const body = Buffer.alloc(24);
  body.writeUInt32LE(seq, 0);
  return Buffer.concat([Buffer.from([0x82, 24]), body]);
}

// Probes every 50 ms; 0-9 in a baseline, 10-19 loaded. Wire + server 0.2 ms
// for every probe; the client adds 1 ms in the baseline and 4 ms loaded.
const T0 = 1700000000;
const records = [];
const probes = [];
for (let seq = 0; seq < 20; seq++) {
  const sentUs = seq * 50000;
  const own = seq < 10 ? 1.0 : 4.0;
  const wire = 0.2;
  const out = T0 + sentUs / 1e6 + own / 2 / 1000;
  records.push([out, packet(probeFrame(seq), true)]);
  if (seq === 15) {  // no echo: a probe the capture saw only one way
    probes.push({ seq, sent_us: sentUs, received_us: null });
    continue;
  }
  const back = out + wire / 1000;
  if (seq === 12) continue;  // its echo rides with 13's
  if (seq === 13) records.push([back, packet(Buffer.concat([echoFrame(12), echoFrame(13)]), false)]);
  else records.push([back, packet(echoFrame(seq), false)]);
  probes.push({ seq, sent_us: sentUs, received_us: Math.round(sentUs + (own + wire) * 1000) });
}
probes.push({ seq: 12, sent_us: 12 * 50000, received_us: 12 * 50000 + 4200 });
records.push([T0 + 0.3, packet(Buffer.from('\x81\x0c{"bytes":42}', 'latin1'), false)]);  // an upload count
records.push([T0 + 0.4, packet(Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), true)]);  // a bulk frame's header alone
records.sort((a, b) => a[0] - b[0]);

const result = {
  plan: { phases: [{ name: 'baseline', graded: true }, { name: 'upload', graded: true, grade_skip_us: 0 }] },
  raw: { phases: [{ name: 'baseline', start_us: 0, end_us: 500000 }, { name: 'upload', start_us: 500000, end_us: 1000000 }], probes },
};

const dir = mkdtempSync(path.join(tmpdir(), 'probe-path-'));
try {
  const file = path.join(dir, 'probe.pcap');
  writeFileSync(file, pcap(records));
  const split = probePath(file, result);
  assert.equal(split.probes, 20);
  assert.equal(split.matched, 19, 'every answered probe matched, 12 from a shared segment');
  const [base, loaded] = split.phases;
  assert.equal(base.name, 'baseline');
  assert.equal(base.count, 10);
  assert.ok(Math.abs(base.wire - 0.2) < 0.01, `baseline wire + server ${base.wire}`);
  assert.ok(Math.abs(base.own - 1.0) < 0.01, `baseline client's own ${base.own}`);
  assert.equal(loaded.count, 9);
  assert.ok(Math.abs(loaded.wire - 0.2) < 0.01, `loaded wire + server ${loaded.wire}`);
  assert.ok(Math.abs(loaded.own - 4.0) < 0.01, `loaded client's own ${loaded.own}`);
  assert.ok(Math.abs(loaded.rtt - 4.2) < 0.01, `loaded RTT ${loaded.rtt}`);

  // A capture without this result's probes, and a file that is no capture.
  writeFileSync(file, pcap([[T0, packet(echoFrame(99), false)]]));
  assert.equal(probePath(file, result), null);
  writeFileSync(file, 'this file is not a packet capture at all');
  assert.throws(() => probePath(file, result), /not a little-endian pcap file/);
  console.log('probe_path: all checks passed');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

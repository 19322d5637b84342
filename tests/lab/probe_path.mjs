// Where a probe's round trip went, from a packet capture on the client's
// interface (run.sh --capture): each probe's frame leaving the client host
// and its echo coming back are matched by sequence number, which splits
// every RTT exactly into
//   wire + server  the capture's two timestamps apart: the path and the
//                  server, what ping also crosses;
//   client's own   the rest: from the client program's send stamp to the
//                  wire, and from the wire to its receive stamp (the
//                  client's own stack, threads and event loops).
// Both parts are differences on one clock each, so no clock offset enters.
//
//   node tests/lab/probe_path.mjs RUN_DIR   (holds result.json and probe.pcap)
//
// The capture keeps only short TCP segments with data on the test's port
// (runner.sh's filter): the probe lane's frames, masked binary 12-byte
// probes out, binary 24-byte echoes in (docs/protocol.md), and the upload
// sinks' small text counts, which are skipped. No npm dependencies.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, phaseWindows } from './labcore.mjs';

const PROBE_BYTES = 12;
const ECHO_BYTES = 24;

// The payload of each TCP segment in a classic pcap file (µs or ns
// timestamps; Ethernet, Linux cooked v1 or v2 link types; IPv4 or IPv6).
function* tcpPayloads(buf) {
  if (buf.length < 24) throw new Error('not a pcap file (too short)');
  const magic = buf.readUInt32LE(0);
  const scale = magic === 0xa1b2c3d4 ? 1e-6 : magic === 0xa1b23c4d ? 1e-9 : null;
  if (scale === null) throw new Error('not a little-endian pcap file');
  const linkHeader = { 1: 14, 113: 16, 276: 20 }[buf.readUInt32LE(20)];
  if (linkHeader === undefined) throw new Error(`pcap link type ${buf.readUInt32LE(20)} is not handled`);
  for (let off = 24; off + 16 <= buf.length;) {
    const t = buf.readUInt32LE(off) + buf.readUInt32LE(off + 4) * scale;
    const caplen = buf.readUInt32LE(off + 8);
    const pkt = buf.subarray(off + 16, off + 16 + caplen);
    off += 16 + caplen;
    if (pkt.length < linkHeader + 40) continue;
    const ip = pkt.subarray(linkHeader);
    let tcp, end;
    if (ip[0] >> 4 === 4) {
      if (ip[9] !== 6) continue;
      tcp = ip.subarray((ip[0] & 15) * 4);
      end = ip.readUInt16BE(2) - (ip[0] & 15) * 4;
    } else if (ip[0] >> 4 === 6) {
      if (ip[6] !== 6) continue;
      tcp = ip.subarray(40);
      end = ip.readUInt16BE(4);
    } else continue;
    const dataOff = (tcp[12] >> 4) * 4;
    const payload = tcp.subarray(dataOff, Math.min(end, tcp.length));
    if (payload.length > 0) yield { t, payload };
  }
}

// Probe sequence numbers in one segment's WebSocket frames, by direction.
function framesIn(payload, onProbe, onEcho) {
  for (let i = 0; i + 2 <= payload.length;) {
    const opcode = payload[i] & 15, masked = payload[i + 1] & 0x80, len = payload[i + 1] & 0x7f;
    if (len > 125) return;  // a long frame is no probe; the rest of the segment is its data
    const head = 2 + (masked ? 4 : 0);
    if (i + head + len > payload.length) return;
    if (opcode === 2 && masked && len === PROBE_BYTES) {
      const seq = Buffer.from([0, 1, 2, 3].map((k) => payload[i + head + k] ^ payload[i + 2 + k]));  // unmasked
      onProbe(seq.readUInt32LE(0));
    } else if (opcode === 2 && !masked && len === ECHO_BYTES) {
      onEcho(payload.readUInt32LE(i + head));
    }
    i += head + len;
  }
}

// Per graded phase: medians of the RTT, of wire + server and of the
// client's own part, over the probes the capture saw both ways; null when
// the capture holds no probe of this result.
export function probePath(pcapPath, result) {
  const out = new Map(), back = new Map();
  for (const { t, payload } of tcpPayloads(readFileSync(pcapPath))) {
    framesIn(payload, (s) => { if (!out.has(s)) out.set(s, t); }, (s) => { if (!back.has(s)) back.set(s, t); });
  }
  const matched = result.raw.probes.filter((p) => p.received_us != null && out.has(p.seq) && back.has(p.seq));
  if (matched.length === 0) return null;
  const phases = [];
  for (const w of phaseWindows(result)) {
    if (!w.spec.graded) continue;
    const inWindow = matched.filter((p) => p.sent_us >= w.measuredStart && p.sent_us < w.end);
    if (inWindow.length === 0) continue;
    const rtt = inWindow.map((p) => (p.received_us - p.sent_us) / 1000);
    const wire = inWindow.map((p) => (back.get(p.seq) - out.get(p.seq)) * 1000);
    const own = inWindow.map((p, k) => rtt[k] - wire[k]);
    phases.push({ name: w.spec.name, count: inWindow.length, rtt: median(rtt), wire: median(wire), own: median(own) });
  }
  return { matched: matched.length, probes: result.raw.probes.length, phases };
}

export function printProbePath(split, indent = '  ') {
  if (!split) {
    console.log(`${indent}probe path: the capture holds none of this result's probes`);
    return;
  }
  console.log(`${indent}probe path (capture on the client's interface, ${split.matched} of ${split.probes} probes seen both ways, held ones too; medians, ms):`);
  for (const p of split.phases) {
    console.log(`${indent}  ${p.name.padEnd(14)} RTT ${p.rtt.toFixed(2).padStart(6)}: wire + server ${p.wire.toFixed(2).padStart(6)},` +
      ` client's own ${p.own.toFixed(2).padStart(6)}  (n ${p.count})`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir || !existsSync(path.join(dir, 'result.json')) || !existsSync(path.join(dir, 'probe.pcap'))) {
    console.error('usage: node tests/lab/probe_path.mjs RUN_DIR  (a folder with result.json and probe.pcap: run.sh --capture)');
    process.exit(2);
  }
  try {
    printProbePath(probePath(path.join(dir, 'probe.pcap'), JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8'))), '');
  } catch (e) {
    console.error(`probe_path: ${e.message}`);
    process.exit(1);
  }
}

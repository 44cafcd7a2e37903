/**
 * The network: hosts with IPv4 addresses, directed paths between them, scripted fault rules, and the
 * carrying of segments from one host's interface to another's. This file owns the configuration and the
 * wire (send a segment, apply the faults, run the path, deliver it as an event); sockets.ts owns what
 * happens when a segment reaches a host (listeners, connections, the TCP machines, application events).
 *
 * State in the world, all immutable values:
 * - `net:config`  NetConfig: hosts, paths, rules (never changes after install);
 * - `net:faults`  counts used by rules with a `count`;  `net:held` segments kept by 'hold' rules;
 * - `path:A>B`    the state of the path direction from host A to host B.
 *
 * Trace entries: 'seg-send' when a segment leaves a host's interface, 'seg-recv' when one arrives at a
 * host's interface, 'seg-drop' when the network loses one (path loss, queue, MTU, a fault rule),
 * 'seg-hold' and 'seg-release' for held segments. A pcap of host H is the 'seg-send' entries of H and the
 * 'seg-recv' entries of H, in trace order.
 */

import { InvariantError, UsageError } from '../errors.ts';
import { ipLength } from '../pcap/wire.ts';
import type { Segment } from '../tcp/segment.ts';
import type { World } from '../world.ts';
import { type HoldState, hold, releaseDue, releaseRule } from './fault-hold.ts';
import { applyFaults, type FaultRule, type FaultState, NO_FAULTS_USED } from './faults.ts';
import {
  DEFAULT_PATH,
  drawsPerSegment,
  IDLE_PATH,
  isIdeal,
  type PathConfig,
  type PathDrop,
  type PathState,
  transmit,
} from './path.ts';

export interface HostConfig {
  readonly name: string;
  /** Dotted IPv4 address. */
  readonly addr: string;
}

export interface NetConfig {
  readonly hosts: ReadonlyMap<string, HostConfig>;
  /** Host name by address. */
  readonly byAddr: ReadonlyMap<string, string>;
  /** Directed paths, by 'A>B'. A pair without an entry uses `defaultPath`. */
  readonly paths: ReadonlyMap<string, PathConfig>;
  readonly defaultPath: PathConfig;
  readonly faults: readonly FaultRule[];
}

export interface NetSpec {
  readonly hosts: readonly HostConfig[];
  /** Each entry is one direction; use both directions for a symmetric path. */
  readonly paths?: ReadonlyArray<{ readonly from: string; readonly to: string; readonly config: PathConfig }>;
  readonly defaultPath?: PathConfig;
  readonly faults?: readonly FaultRule[];
}

/** Where a segment goes and which connection (if known) sent it; what the trace and the pcap need. */
export interface Wired {
  readonly seg: Segment;
  readonly from: string;
  readonly to: string;
  /** Name of the sending connection, or '' for a segment no connection owns (a closed-port RST). */
  readonly conn: string;
  /**
   * For the receiving side: the world slot under which host `to` finds the connection this segment is for,
   * when the sender's route knows it (`Route.demux`), else -1. Saves building and hashing that key per segment.
   */
  readonly demux: number;
}

/**
 * What carrying one connection's segments needs, worked out once per connection rather than per segment:
 * the receiving host, the path direction's config and state slot, and the receiver's demultiplexing slot
 * (the socket layer's key, given by the caller; the network only passes it on). Valid for the life of the
 * world: hosts and paths never change after install. Measured on bench/ftp.ts (10,000 sessions): the config
 * lookup, the path-name caches and the path state's key lookup were ~4 world or map lookups per segment.
 */
export interface Route {
  readonly from: string;
  /** The host that has the destination address, or undefined (no route: segments vanish). */
  readonly to: string | undefined;
  readonly conn: string;
  readonly demux: number;
  readonly pathSlot: number;
  readonly path: PathConfig;
  /** The path draws random numbers for each segment (otherwise it needs no stream). */
  readonly random: boolean;
  /** The network has fault rules: each segment goes through them. */
  readonly faulty: boolean;
}

declare module '../trace.ts' {
  interface TraceKinds {
    'seg-send': { readonly seg: Segment; readonly conn: string; readonly to: string };
    'seg-recv': { readonly seg: Segment; readonly conn: string; readonly from: string };
    'seg-drop': {
      readonly seg: Segment;
      readonly conn: string;
      readonly to: string;
      readonly reason: PathDrop | 'fault' | 'no-route';
      readonly rule?: string;
    };
    'seg-hold': { readonly seg: Segment; readonly conn: string; readonly to: string; readonly rule: string };
    'seg-release': {
      readonly seg: Segment;
      readonly conn: string;
      readonly to: string;
      readonly rule: string;
    };
  }
}

const CONFIG = 'net:config';
const FAULTS = 'net:faults';
const HELD = 'net:held';
const ARRIVE = 'net:arrive';
const RELEASE = 'net:release';
const DELAYED = 'net:delayed';

interface HeldSegment {
  readonly wired: Wired;
  readonly rule: string;
}
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The receiving side (sockets.ts): runs when a segment reaches a host's interface; records 'seg-recv'. */
export type Deliver = (world: World, wired: Wired) => void;

/** Sets up the network in a world: validates the spec, stores it, registers the wire's handlers. */
export function installNetwork(world: World, spec: NetSpec, deliver: Deliver): NetConfig {
  const hosts = new Map<string, HostConfig>();
  const byAddr = new Map<string, string>();
  spec.hosts.forEach((h, i) => {
    if (!/^[A-Za-z][\w.-]*$/.test(h.name)) {
      throw new UsageError(
        `hosts[${i}].name: '${h.name}' is not a host name (a letter, then letters, digits, . _ -)`,
      );
    }
    if (!IPV4.test(h.addr))
      throw new UsageError(`hosts[${i}].addr: '${h.addr}' is not a dotted IPv4 address`);
    if (hosts.has(h.name)) throw new UsageError(`hosts[${i}].name: host '${h.name}' is defined twice`);
    if (byAddr.has(h.addr)) {
      throw new UsageError(`hosts[${i}].addr: ${h.addr} is already the address of '${byAddr.get(h.addr)}'`);
    }
    hosts.set(h.name, h);
    byAddr.set(h.addr, h.name);
  });
  const paths = new Map<string, PathConfig>();
  (spec.paths ?? []).forEach((p, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!hosts.has(p[end])) throw new UsageError(`paths[${i}].${end}: no host named '${p[end]}'`);
    }
    paths.set(`${p.from}>${p.to}`, p.config);
  });
  const config: NetConfig = {
    hosts,
    byAddr,
    paths,
    defaultPath: spec.defaultPath ?? DEFAULT_PATH,
    faults: spec.faults ?? [],
  };
  world.set(CONFIG, config);
  configs.set(world, config);
  world.set(FAULTS, NO_FAULTS_USED);
  world.set(HELD, [] as HoldState<Wired>);
  world.on(ARRIVE, deliver);
  world.on(RELEASE, (w) => {
    const r = releaseDue(w.get<HoldState<HeldSegment>>(HELD)!, w.now);
    w.set(HELD, r.state);
    for (const item of r.released) release(w, item);
  });
  world.on(DELAYED, (w, item: HeldSegment) => release(w, item));
  return config;
}

/**
 * The configuration, kept beside each world as well as in it: it never changes after install, and a world
 * lookup of its key is a hash lookup in a map of every key (measured on bench/ftp.ts, 10,000 sessions:
 * ~500 ns, once per connection and per segment's fault check).
 */
const configs = new WeakMap<World, NetConfig>();

export function netConfig(world: World): NetConfig {
  let c = configs.get(world);
  if (c === undefined) {
    c = world.get<NetConfig>(CONFIG);
    if (c === undefined) throw new UsageError('this world has no network: call installNetwork first');
    configs.set(world, c);
  }
  return c;
}

/** The host an address belongs to, or undefined. */
export function hostOf(world: World, addr: string): string | undefined {
  return netConfig(world).byAddr.get(addr);
}

/**
 * The route of a connection from host `from` to address `dstAddr`. `demux(to)` gives the receiving host's
 * demultiplexing slot for this connection's segments (the socket layer's business).
 */
export function routeOf(
  world: World,
  from: string,
  dstAddr: string,
  conn: string,
  demux: (to: string) => number,
): Route {
  const config = netConfig(world);
  const to = config.byAddr.get(dstAddr);
  const faulty = config.faults.length > 0;
  if (to === undefined) {
    return { from, to, conn, demux: -1, pathSlot: -1, path: config.defaultPath, random: false, faulty };
  }
  const names = pathNames(from, to);
  const path = config.paths.get(names.dir) ?? config.defaultPath;
  const random = drawsPerSegment(path) > 0;
  return { from, to, conn, demux: demux(to), pathSlot: world.slot(names.key), path, random, faulty };
}

/** `sendSegment` for a connection's segment, on the route worked out when the connection was made. */
export function sendOnRoute(world: World, route: Route, seg: Segment): void {
  const { from, to, conn } = route;
  if (world.tracing) world.record('seg-send', from, { seg, conn, to: to ?? '' });
  if (to === undefined) {
    // No host has this address: the segment leaves and is never seen again, as on a real network.
    if (world.tracing) world.record('seg-drop', from, { seg, conn, to: '', reason: 'no-route' });
    return;
  }
  const wired: Wired = { seg, from, to, conn, demux: route.demux };
  if (route.faulty && !applyFaultRules(world, netConfig(world), wired)) return;
  carry(world, wired, route.pathSlot, route.path, route.random);
}

/**
 * Puts a segment no connection's route carries (a closed-port reply) on host `from`'s interface: traces it,
 * applies the fault rules, runs the path, and schedules its arrival (or records why it will not arrive).
 */
export function sendSegment(world: World, from: string, seg: Segment, conn: string): void {
  sendOnRoute(world, routeOf(world, from, seg.dst.addr, conn, NO_DEMUX), seg);
}

const NO_DEMUX = (): number => -1;

/**
 * Applies the fault rules to a segment about to enter its path. Returns true when the segment goes on into
 * the path now; otherwise it was dropped, delayed or held here (a duplicate's extra copy enters here).
 */
function applyFaultRules(world: World, config: NetConfig, wired: Wired): boolean {
  const { seg, from, to, conn } = wired;
  const step = applyFaults(world.get<FaultState>(FAULTS)!, config.faults, seg, {
    from,
    to,
    now: world.now,
  });
  if (step.state !== world.get(FAULTS)) world.set(FAULTS, step.state);
  const v = step.verdict;
  switch (v.kind) {
    case 'pass':
      break;
    case 'drop':
      if (world.tracing) world.record('seg-drop', from, { seg, conn, to, reason: 'fault', rule: v.rule });
      return false;
    case 'delay':
      world.after(v.by, DELAYED, { wired, rule: v.rule });
      return false;
    case 'duplicate':
      enterPath(world, wired, config);
      break;
    case 'hold': {
      if (world.tracing) world.record('seg-hold', from, { seg, conn, to, rule: v.rule });
      world.set(
        HELD,
        hold(world.get<HoldState<HeldSegment>>(HELD)!, v.rule, { wired, rule: v.rule }, v.until),
      );
      // One wake at the release time; releaseDue is harmless when a wake finds nothing due.
      if (v.until !== undefined) world.schedule(Math.max(v.until, world.now), RELEASE);
      return false;
    }
  }
  return true;
}

/** Releases every segment held by the rule `rule` now (the explicit release of a 'hold' without until). */
export function releaseHeld(world: World, rule: string): number {
  const r = releaseRule(world.get<HoldState<HeldSegment>>(HELD)!, rule);
  world.set(HELD, r.state);
  for (const item of r.released) release(world, item);
  return r.released.length;
}

/** Segments held or delayed by a rule, waiting to enter their path. */
export function heldSegments(world: World): HoldState<HeldSegment> {
  return world.get<HoldState<HeldSegment>>(HELD) ?? [];
}

function release(world: World, { wired, rule }: HeldSegment): void {
  const { seg, from, to, conn } = wired;
  if (world.tracing) world.record('seg-release', from, { seg, conn, to, rule });
  enterPath(world, wired, netConfig(world));
}

/**
 * A direction's name in the config (`a>b`) and its state key (`path:a>b`), built once per (from, to) and
 * found again through maps keyed by the host names. Measured on bench/ftp.ts (3,000 sessions): World.get under
 * enterPath was 160 ms of a 6.5 s profile, most of it hashing the two keys built afresh for every segment.
 * Cleared past PATH_NAMES_MAX directions, so a long-lived process does not keep every host pair it saw.
 */
interface PathNames {
  readonly dir: string;
  readonly key: string;
}
const pathNameCache = new Map<string, Map<string, PathNames>>();
let pathNameCount = 0;
const PATH_NAMES_MAX = 1 << 16;
function pathNames(from: string, to: string): PathNames {
  let byTo = pathNameCache.get(from);
  if (byTo === undefined) {
    byTo = new Map();
    pathNameCache.set(from, byTo);
  }
  let n = byTo.get(to);
  if (n === undefined) {
    if (pathNameCount >= PATH_NAMES_MAX) {
      pathNameCache.clear();
      pathNameCount = 0;
      pathNameCache.set(from, byTo);
    }
    n = { dir: `${from}>${to}`, key: `path:${from}>${to}` };
    byTo.set(to, n);
    pathNameCount++;
  }
  return n;
}

const NO_DRAWS = (): number => {
  throw new InvariantError('a path that draws nothing drew a random number');
};

function streamOf(world: World, name: string): () => number {
  return () => world.rng(name).next();
}

/** `config` is passed in by the caller that has it: one world lookup fewer per segment. */
function enterPath(world: World, wired: Wired, config: NetConfig): void {
  const names = pathNames(wired.from, wired.to);
  const path = config.paths.get(names.dir) ?? config.defaultPath;
  carry(world, wired, world.slot(names.key), path, drawsPerSegment(path) > 0);
}

/** Runs the path direction (its state in `pathSlot`) and schedules the arrival, or traces the drop. */
function carry(world: World, wired: Wired, pathSlot: number, cfg: PathConfig, random: boolean): void {
  const { seg, from, to, conn } = wired;
  const ipBytes = ipLength(seg);
  if (ipBytes <= cfg.mtu && isIdeal(cfg)) {
    // What transmit would say, without its state (see isIdeal).
    world.schedule(world.now + cfg.latency, ARRIVE, wired);
    return;
  }
  const state = world.at<PathState>(pathSlot) ?? IDLE_PATH;
  // A path with no random feature draws nothing: it then needs no stream (the common, ideal-wire case).
  const draw = random ? streamOf(world, `link:${from}->${to}`) : NO_DRAWS;
  const r = transmit(state, cfg, ipBytes, world.now, draw);
  world.put(pathSlot, r.state);
  if (r.dropped !== undefined) {
    if (world.tracing) world.record('seg-drop', from, { seg, conn, to, reason: r.dropped });
    return;
  }
  for (const at of r.deliveries) world.schedule(at, ARRIVE, wired);
}

/**
 * The small toolkit the scenario validators are written in: each check takes a value and the path of its
 * field, returns the value typed, or throws a ScenarioError naming the file, the field, what was expected and
 * what was found (with a "did you mean" when a name is one typo away from a known one).
 */

import { UsageError } from '../../sim/errors.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import { parseDuration, type Time } from '../../sim/time.ts';
import { pattern } from '../clients/bytes.ts';
import type { CodeMatch } from '../clients/script.ts';
import { ScenarioError } from './errors.ts';

export type Obj = Readonly<Record<string, unknown>>;

const NAME = /^[A-Za-z][\w.-]*$/;
const CODE_CLASS = /^[1-5]xx$/;

export class Check {
  constructor(readonly file: string) {}

  fail(at: string, problem: string): never {
    throw new ScenarioError(this.file, at, problem);
  }

  /** Runs a check written elsewhere (sim/, src/ftp/) whose UsageError message already names the field. */
  wrap<T>(at: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof ScenarioError || !(e instanceof UsageError)) throw e;
      throw new ScenarioError(this.file, at, e.message);
    }
  }

  obj(v: unknown, at: string, what = 'an object'): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
      this.fail(at, `expected ${what}, got ${show(v)}`);
    }
    return v as Obj;
  }

  /** Every key of `o` is one of `keys`. */
  known(o: Obj, at: string, keys: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (keys.includes(k)) continue;
      this.fail(join(at, k), `unknown field${suggest(k, keys)} (known: ${keys.join(', ')})`);
    }
  }

  need(o: Obj, key: string, at: string): unknown {
    if (o[key] === undefined) this.fail(join(at, key), 'is required');
    return o[key];
  }

  str(v: unknown, at: string): string {
    if (typeof v !== 'string') this.fail(at, `expected a string, got ${show(v)}`);
    return v;
  }

  /** A name: a letter, then letters, digits, '.', '_' or '-'. */
  name(v: unknown, at: string): string {
    const s = this.str(v, at);
    if (!NAME.test(s)) this.fail(at, `${show(s)} is not a name (a letter, then letters, digits, . _ -)`);
    return s;
  }

  int(v: unknown, at: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
      this.fail(at, `expected a whole number ${range}, got ${show(v)}`);
    }
    return v;
  }

  port(v: unknown, at: string): number {
    return this.int(v, at, 1, 65535);
  }

  bool(v: unknown, at: string): boolean {
    if (typeof v !== 'boolean') this.fail(at, `expected true or false, got ${show(v)}`);
    return v;
  }

  oneOf<T extends string>(v: unknown, at: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      const hint = typeof v === 'string' ? suggest(v, allowed) : '';
      this.fail(at, `expected ${allowed.map((a) => `'${a}'`).join(' | ')}, got ${show(v)}${hint}`);
    }
    return v as T;
  }

  list(v: unknown, at: string): readonly unknown[] {
    if (!Array.isArray(v)) this.fail(at, `expected a list, got ${show(v)}`);
    return v;
  }

  /** A duration: '5ms', '1.5s', or a number of nanoseconds. */
  dur(v: unknown, at: string): Time {
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.fail(at, `expected a duration such as '5ms', got ${show(v)}`);
    }
    try {
      return parseDuration(v);
    } catch (e) {
      if (e instanceof UsageError) this.fail(at, e.message);
      throw e;
    }
  }

  /** A reply code (226) or class ('2xx'). */
  code(v: unknown, at: string): CodeMatch {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) return v;
    if (typeof v === 'string' && CODE_CLASS.test(v)) return v as CodeMatch;
    return this.fail(at, `expected a reply code (100-599) or a class such as '2xx', got ${show(v)}`);
  }

  /**
   * Content: a string (UTF-8), `{ size: n }` (the test pattern, n bytes), `{ text, repeat }`, or (TypeScript
   * scenarios) a Uint8Array.
   */
  bytes(v: unknown, at: string): Uint8Array {
    if (typeof v === 'string') return new TextEncoder().encode(v);
    if (v instanceof Uint8Array) return v;
    const o = this.obj(v, at, 'content: a string, { size: n } or { text, repeat }');
    if (o.size !== undefined) {
      this.known(o, at, ['size']);
      return pattern(this.int(o.size, join(at, 'size'), 0));
    }
    this.known(o, at, ['text', 'repeat']);
    const text = this.str(this.need(o, 'text', at), join(at, 'text'));
    const n = o.repeat === undefined ? 1 : this.int(o.repeat, join(at, 'repeat'), 0);
    return new TextEncoder().encode(text.repeat(n));
  }

  /** 'host:port' naming a host of the scenario. */
  endpoint(v: unknown, at: string, hosts: ReadonlyMap<string, string>): Endpoint {
    const s = this.str(v, at);
    const m = /^([^:]+):(\d+)$/.exec(s);
    if (m === null) this.fail(at, `expected 'host:port', got ${show(s)}`);
    const addr = hosts.get(m[1]!);
    if (addr === undefined) this.fail(at, `no host named ${show(m[1])}${suggest(m[1]!, [...hosts.keys()])}`);
    return { addr, port: this.port(Number(m[2]), at) };
  }

  /** A host of the scenario, by name. */
  host(v: unknown, at: string, hosts: ReadonlyMap<string, string>): string {
    const s = this.str(v, at);
    if (!hosts.has(s)) this.fail(at, `no host named ${show(s)}${suggest(s, [...hosts.keys()])}`);
    return s;
  }
}

export function join(at: string, key: string | number): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  return at === '' ? key : `${at}.${key}`;
}

export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (typeof v === 'function') return 'a function';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** ", did you mean 'x'?" when one known name is at most two edits away. */
export function suggest(word: string, known: readonly string[]): string {
  let best: string | null = null;
  let bestD = 3;
  for (const k of known) {
    // More than two characters longer or shorter is more than two edits: skip the table.
    if (Math.abs(word.length - k.length) > 2) continue;
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best === null ? '' : ` (did you mean '${best}'?)`;
}

/** Levenshtein distance: the fewest single-character edits that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The one-line text of each expectation, as reports show it: "c receives 226 before FIN arrives on c's data
 * connection #1", "client c hung", "never: the server sends 451". Generated from the expectation's data, so
 * a scenario author writes `text` only to say something better.
 */

import { codeText, stepText } from '../clients/script.ts';
import type { ConnRef, EventPattern, Expectation, LogMatch } from './expect-types.ts';
import type { Scenario } from './types.ts';

export function connText(given: ConnRef): string {
  const ref = typeof given === 'string' ? { name: given } : given;
  let s: string;
  if ('name' in ref) s = ref.name;
  else if ('client' in ref) {
    if (ref.data === undefined) s = `${ref.client}'s control connection`;
    else if (ref.data === 'any') s = `any data connection of ${ref.client}`;
    else if (ref.data === 'last') s = `${ref.client}'s last data connection`;
    else s = `${ref.client}'s data connection #${ref.data}`;
  } else s = ref.conn === undefined ? `${ref.app}'s connections` : `${ref.app}'s connection '${ref.conn}'`;
  return ref.peer ? `the other end of ${s}` : s;
}

function logText(m: LogMatch): string {
  const parts: string[] = [];
  if (m.method !== undefined) parts.push(m.method);
  if (m.uri !== undefined) parts.push(m.uri);
  if (m.status !== undefined) parts.push(`status ${String(m.status)}`);
  if (m.win32 !== undefined) parts.push(`win32 ${m.win32}`);
  if (m.substatus !== undefined) parts.push(`substatus ${m.substatus}`);
  if (m.port !== undefined) parts.push(`port ${m.port}`);
  if (m.user !== undefined) parts.push(`user ${m.user}`);
  if (m.path !== undefined) parts.push(`path ${m.path}`);
  return parts.join(' ');
}

function stepName(s: Scenario, client: string, index: number): string {
  const step = s.clients.find((c) => c.name === client)?.script[index];
  return step === undefined ? `step ${index}` : `step ${index} (${stepText(step)})`;
}

export function patternText(p: EventPattern, s: Scenario): string {
  if ('reply' in p) {
    const text = p.text === undefined ? '' : ` "${p.text}"`;
    if (p.client === undefined) return `the server sends ${codeText(p.reply)}${text}`;
    const step = p.step === undefined ? '' : ` in ${stepName(s, p.client, p.step)}`;
    return `${p.client} receives ${codeText(p.reply)}${text}${step}`;
  }
  if ('command' in p)
    return `the server reads ${p.command}${p.client === undefined ? '' : ` from ${p.client}`}`;
  if ('segment' in p)
    return `${typeof p.segment === 'string' ? p.segment : p.segment.join(',')} ${p.dir === 'out' ? 'leaves on' : 'arrives on'} ${connText(p.conn)}`;
  if ('state' in p) return `${connText(p.conn)} enters ${p.state}`;
  if ('event' in p) return `${connText(p.conn)} gets '${p.event}'`;
  if ('tcp' in p) return `TCP notes '${p.tcp}'${p.conn === undefined ? '' : ` on ${connText(p.conn)}`}`;
  if ('log' in p) return `the server logs ${logText(p.log)}`;
  if ('step' in p) {
    const step = s.clients.find((c) => c.name === p.client)?.script[p.step];
    const what = step === undefined ? `step ${p.step}` : `step ${p.step} (${stepText(step)})`;
    const verb = p.phase === 'done' ? 'completes' : p.phase === 'fail' ? 'fails' : 'starts';
    return `${p.client}'s ${what} ${verb}`;
  }
  const fields = p.fields === undefined ? '' : ` with ${JSON.stringify(p.fields)}`;
  return `a '${p.entry}' entry${p.host === undefined ? '' : ` at ${p.host}`}${fields}`;
}

export function expectationText(e: Expectation, s: Scenario): string {
  if (e.text !== undefined) return e.text;
  const base = bodyText(e, s);
  return e.profile === undefined ? base : `[${e.profile}] ${base}`;
}

function bodyText(e: Expectation, s: Scenario): string {
  if ('seen' in e) {
    const n = e.times === undefined ? '' : e.times === 1 ? ', exactly once' : `, exactly ${e.times} times`;
    return `${patternText(e.seen, s)}${n}`;
  }
  if ('notSeen' in e) return `never: ${patternText(e.notSeen, s)}`;
  if ('order' in e) return e.order.map((p) => patternText(p, s)).join(', before ');
  if ('sequence' in e) return e.sequence.map((p) => patternText(p, s)).join(', then ');
  if ('outcome' in e)
    return `client ${e.client} ${e.outcome}${e.code === undefined ? '' : ` with ${codeText(e.code)}`}`;
  if ('content' in e) {
    const parts: string[] = [];
    if (e.equals !== undefined) parts.push(`exactly ${JSON.stringify(e.equals)}`);
    for (const c of e.contains ?? []) parts.push(JSON.stringify(c));
    for (const c of e.lacks ?? []) parts.push(`no ${JSON.stringify(c)}`);
    const step = s.clients.find((c) => c.name === e.content.client)?.script[e.content.step];
    return `${e.content.client} receives, in step ${e.content.step}${step === undefined ? '' : ` (${stepText(step)})`}: ${parts.join(', ') || 'anything'}`;
  }
  if ('app' in e) {
    const parts: string[] = [];
    if (e.received !== undefined) parts.push(`receives ${e.received} bytes`);
    if (e.intact !== undefined) parts.push(e.intact ? 'intact' : 'not intact');
    if (e.completed !== undefined) parts.push(e.completed ? 'completes' : 'does not complete');
    return `application ${e.app} ${parts.join(', ') || 'runs'}`;
  }
  if ('intact' in e) {
    const t = e.intact;
    if (t.step === undefined) return `every transfer of ${t.client} is intact`;
    const step = s.clients.find((c) => c.name === t.client)?.script[t.step];
    return `${t.client}'s step ${t.step}${step === undefined ? '' : ` (${stepText(step)})`} is intact${t.file === undefined ? '' : ` (${t.file})`}`;
  }
  if ('not' in e) return `not: ${expectationText(e.not, s)}`;
  if ('any' in e) return `one of: ${e.any.map((x) => expectationText(x, s)).join(' | ')}`;
  return 'check';
}

/**
 * Running an FTP client's script: the current step reads the replies queued for it, in order, and when it
 * is over the next step begins, until one has to wait (for a reply, the data side, a pause) or the script
 * ends. The events that feed it are ftp-client.ts's; a transfer step's own moves are ftp-transfer.ts's.
 */

import * as sock from '../../sim/net/sockets.ts';
import type { World } from '../../sim/world.ts';
import {
  appRef,
  type ClientState,
  command,
  complete,
  currentStep,
  fail,
  finish,
  joinPath,
  patch,
  recordStep,
  WAKE,
  type Wake,
} from './ftp-state.ts';
import { beginTransfer, transferReply } from './ftp-transfer.ts';
import type { Reply } from './replies.ts';
import { codeMatches, isTransfer } from './script.ts';

/** Feeds queued replies to the current step, then begins steps until one has to wait. */
export function run(w: World, s0: ClientState): ClientState {
  let s = s0;
  for (;;) {
    s = pump(w, s);
    if (s.verdict !== null || s.wait.on !== 'idle') return s;
    if (s.index >= s.spec.script.length) return finish(w, s);
    s = armTimeout(w, begin(w, patch(s, { gen: s.gen + 1 })));
  }
}

/** Offers the queued replies to the current step, oldest first, until one is left unread or none is left. */
export function pump(w: World, s0: ClientState): ClientState {
  let s = s0;
  while (s.queue.length > 0 && s.verdict === null) {
    const t = offer(w, patch(s, { queue: s.queue.slice(1) }), s.queue[0]!);
    if (t === null) return s;
    s = t;
  }
  return s;
}

/** The state after the current step has read this reply; null leaves the reply unread at the head. */
function offer(w: World, s: ClientState, r: Reply): ClientState | null {
  const wait = s.wait;
  switch (wait.on) {
    case 'banner':
      if (r.code < 200) return s;
      return r.code === 220
        ? patch(s, { wait: { on: 'idle' } })
        : fail(w, s, `greeting ${r.code} ${r.text}`, r.code);
    case 'reply':
      return r.code < 200 ? s : replyTo(w, s, wait.to, r);
    case 'code':
      return codeMatches(wait.match, r.code) ? complete(w, s, `got ${r.code}`) : s;
    case 'transfer':
      return transferReply(w, s, r);
    case 'idle':
    case 'connect':
    case 'time':
    case 'done':
      return null;
    default:
      return wait satisfies never;
  }
}

function replyTo(
  w: World,
  s: ClientState,
  to: 'user' | 'pass' | 'cwd' | 'type' | 'command' | 'quit',
  r: Reply,
) {
  const step = currentStep(s)!;
  const got = `${r.code} ${r.text}`;
  switch (to) {
    case 'user':
      if (r.code === 230) return complete(w, s, got);
      if (r.code !== 331 || step.do !== 'login') return fail(w, s, `USER got ${got}`, r.code);
      command(w, s, `PASS ${step.pass}`);
      return patch(s, { wait: { on: 'reply', to: 'pass' } });
    case 'pass':
      return r.code === 230 || r.code === 202 ? complete(w, s, got) : fail(w, s, `PASS got ${got}`, r.code);
    case 'cwd':
      if (r.code !== 250 || step.do !== 'cwd') return fail(w, s, `CWD got ${got}`, r.code);
      return complete(w, patch(s, { cwd: joinPath(s.cwd, step.path) }), got);
    case 'type':
      return r.code === 200 ? complete(w, s, got) : fail(w, s, `TYPE got ${got}`, r.code);
    case 'command': {
      const expect = step.do === 'command' ? step.expect : null;
      const ok = expect === null ? r.code < 400 : expect.some((m) => codeMatches(m, r.code));
      return ok ? complete(w, s, got) : fail(w, s, `got ${got}`, r.code);
    }
    case 'quit':
      if (s.ctrl !== null && s.ctrlOpen) sock.close(w, s.ctrl);
      return complete(w, patch(s, { ctrlOpen: false }), got);
    default:
      return to satisfies never;
  }
}

function begin(w: World, s: ClientState): ClientState {
  const step = currentStep(s)!;
  recordStep(w, s, 'start');
  const needsControl = step.do !== 'wait' && step.do !== 'wait-reply' && step.do !== 'open-data';
  const dataStep = (step.do === 'close' || step.do === 'abort') && step.what === 'data';
  if (needsControl && !dataStep && !s.ctrlOpen) return fail(w, s, 'the control connection is closed');
  if (isTransfer(step)) return beginTransfer(w, s, step);
  switch (step.do) {
    case 'login':
      return ask(w, s, `USER ${step.user}`, 'user');
    case 'cwd':
      return ask(w, s, `CWD ${step.path}`, 'cwd');
    case 'type':
      return ask(w, s, `TYPE ${step.type}`, 'type');
    case 'command':
      return ask(w, s, step.line, 'command');
    case 'quit':
      return ask(w, s, 'QUIT', 'quit');
    case 'send':
      sock.send(w, s.ctrl!, step.bytes);
      return complete(w, s);
    case 'wait':
      w.after(step.for, WAKE, { client: s.spec.name, what: 'wait-done', index: s.index } satisfies Wake);
      return patch(s, { wait: { on: 'time' } });
    case 'wait-reply':
      return patch(s, { wait: { on: 'code', match: step.reply } });
    case 'open-data': {
      if (s.pasv === null) return fail(w, s, 'no 227 or 229 reply has given a data endpoint');
      try {
        const conn = sock.connect(w, s.spec.host, s.pasv, {
          app: appRef(w, s),
          label: 'data',
          ...(step.localPort === null ? {} : { localPort: step.localPort }),
        });
        return complete(w, patch(s, { data: [...s.data, conn] }), conn);
      } catch (e) {
        return fail(w, s, `cannot open the data connection: ${(e as Error).message}`);
      }
    }
    case 'close':
    case 'abort': {
      const conn = step.what === 'control' ? s.ctrl : s.data[s.data.length - 1];
      if (conn == null) return fail(w, s, `there is no ${step.what} connection`);
      if (step.do === 'close') sock.close(w, conn);
      else sock.abort(w, conn);
      return complete(w, step.what === 'control' ? patch(s, { ctrlOpen: false }) : s);
    }
    default:
      return step satisfies never;
  }
}

/** Sends a command line; its reply is for `to`. */
function ask(
  w: World,
  s: ClientState,
  line: string,
  to: 'user' | 'cwd' | 'type' | 'command' | 'quit',
): ClientState {
  command(w, s, line);
  return patch(s, { wait: { on: 'reply', to } });
}

export function armTimeout(w: World, s: ClientState): ClientState {
  if (s.spec.timeout !== null && waitsOnServer(s)) {
    w.after(s.spec.timeout, WAKE, {
      client: s.spec.name,
      what: 'timeout',
      index: s.index,
      gen: s.gen,
    } satisfies Wake);
  }
  return s;
}

/** The waits that only the server can end (a step timeout applies to them). */
export function waitsOnServer(s: ClientState): boolean {
  switch (s.wait.on) {
    case 'connect':
    case 'banner':
    case 'reply':
    case 'code':
    case 'transfer':
      return true;
    case 'idle':
    case 'time':
    case 'done':
      return false;
    default:
      return s.wait satisfies never;
  }
}

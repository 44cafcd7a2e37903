/**
 * `netstep step <scenario>`: the interactive stepper. One key per move (n, space or → for the next event,
 * b or ← back, r to the next FTP reply, t to the next TCP state change, e to the end, s for every
 * connection's and session's state, ? for help, q or Ctrl-C to quit); the screen shows the ladder so far
 * (its last screenful) and the current event. The model and the drawing are src/api/stepper*.ts; this file
 * is the terminal: raw mode through node:readline's keypress events, the alternate screen, and redraws
 * with ANSI escapes. No dependency.
 *
 * Not on a terminal (stdin or stdout is not a TTY), it stops at once with exit code 2 and points at
 * `netstep run`, which prints a whole run.
 */

import { isAbsolute } from 'node:path';
import { emitKeypressEvents } from 'node:readline';
import { UsageError } from '../../sim/errors.ts';
import { load, scenarioFile } from '../api/load.ts';
import { type Move, Stepper } from '../api/stepper.ts';
import { GUTTER, renderScreen, type View } from '../api/stepper-screen.ts';
import { bundledId } from '../scenario/index.ts';
import { paint, wantColor } from '../views/style.ts';
import { intOption, oneOf, parseCommandLine } from './args.ts';
import type { Command } from './main.ts';

const HELP = `usage: netstep step <scenario> [--seed N] [--profile ftp75|iis6]

Steps through a scenario in the terminal, one event at a time, with the ladder so far.
<scenario> is a scenario file or a bundled scenario's short name (netstep list shows them).

keys: n, space, → next event · b, ← back · r next FTP reply · t next TCP state change · e end
      s connections and sessions · ? help · q, Ctrl-C quit

Needs a terminal; to print a whole run, use netstep run <scenario>.`;

const ESC = '\u001b[';
const ALT_SCREEN_ON = `${ESC}?1049h`;
const ALT_SCREEN_OFF = `${ESC}?1049l`;
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;

interface Key {
  readonly name?: string;
  readonly ctrl?: boolean;
  readonly sequence?: string;
}

/** What a key does: a move, a change of view, or quitting. */
export type Action = Move | 'toggle-state' | 'help' | 'quit';

/** The action of a key (node:readline's keypress arguments); null for a key that does nothing. */
export function keyAction(str: string | undefined, key: Key): Action | null {
  if (key.ctrl && key.name === 'c') return 'quit';
  switch (key.name) {
    case 'n':
    case 'space':
    case 'right':
      return 'next';
    case 'b':
    case 'left':
      return 'back';
    case 'r':
      return 'reply';
    case 't':
      return 'state';
    case 'e':
      return 'end';
    case 's':
      return 'toggle-state';
    case 'q':
    case 'escape':
      return 'quit';
    default:
      return str === '?' ? 'help' : null;
  }
}

export const stepCommand: Command = {
  summary: 'step through a scenario in the terminal: next, back, run to the next reply',
  async run(args) {
    const { values, positionals } = parseCommandLine('step', args, {
      seed: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(`takes one scenario (a file or a bundled short name), not ${positionals.length}`);
    }
    if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) {
      throw new UsageError(
        'needs a terminal: it is interactive, and standard input and output must be a TTY; ' +
          `to print the whole run, use: netstep run ${positionals[0]}`,
      );
    }
    const seed =
      values.seed === undefined ? undefined : (intOption(values.seed, '--seed', 0, 2 ** 32) ?? values.seed);
    const profile =
      values.profile === undefined ? undefined : oneOf(values.profile, ['ftp75', 'iis6'], '--profile');
    const file = await scenarioFile(positionals[0]!);
    const sim = await load(file, { seed, profile });
    const id = bundledId(file);
    const label = id.startsWith('..') || isAbsolute(id) ? positionals[0]! : id;
    return interact(sim, label);
  },
};

/** Runs the stepper on the terminal until the user quits; restores the terminal however it ends. */
async function interact(sim: Awaited<ReturnType<typeof load>>, label: string): Promise<number> {
  const out = process.stdout;
  const input = process.stdin;
  const color = paint(wantColor(out, process.env));
  const size = () => ({ width: Math.max(60, out.columns ?? 100), height: Math.max(12, out.rows ?? 30) });
  const stepper = new Stepper(sim, size().width - GUTTER, color);
  let view: View = 'ladder';

  const draw = () => {
    const { width, height } = size();
    const lines = renderScreen(stepper, { width, height, label, view, paint: color });
    out.write(`${ESC}H${lines.map((l) => `${l}${ESC}K`).join('\r\n')}${ESC}J`);
  };
  const onResize = () => {
    stepper.resize(size().width - GUTTER);
    draw();
  };

  emitKeypressEvents(input);
  input.setRawMode(true);
  input.resume();
  out.write(ALT_SCREEN_ON + HIDE_CURSOR);
  out.on('resize', onResize);

  return await new Promise<number>((done) => {
    const finish = (code: number, error?: unknown) => {
      input.off('keypress', onKey);
      out.off('resize', onResize);
      input.setRawMode(false);
      input.pause();
      out.write(SHOW_CURSOR + ALT_SCREEN_OFF);
      if (error !== undefined) {
        console.error(`netstep step: ${error instanceof Error ? error.message : String(error)}`);
      }
      done(code);
    };
    const onKey = (str: string | undefined, key: Key = {}) => {
      try {
        const action = keyAction(str, key);
        if (action === null) return;
        if (action === 'quit') return finish(0);
        if (view === 'help') view = 'ladder'; // any key closes the help, and does what it does
        if (action === 'help') view = 'help';
        else if (action === 'toggle-state') view = view === 'state' ? 'ladder' : 'state';
        else stepper.move(action);
        draw();
      } catch (e) {
        finish(e instanceof UsageError ? 2 : 1, e);
      }
    };
    input.on('keypress', onKey);
    draw();
  });
}

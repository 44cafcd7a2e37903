/**
 * Trace entries of the client models and of the plain TCP applications. Recorded at the client's host.
 *
 * - 'client-step'     a script step starts, completes or fails (`index` is its place in the script);
 * - 'client-reply'    the client has read a complete reply on its control connection (the moment the reply
 *                     arrives at the client, as opposed to 'ftp-reply', the moment the server writes it);
 * - 'client-verdict'  how the client's run ended: completed, failed (with the reply code when a reply was the
 *                     cause), truncated (a download ended with data unread), or hung (still waiting when the
 *                     run went idle or reached its time limit);
 * - 'app-event'       a plain TCP application's milestone (sent everything, received N bytes intact, ...).
 */

export type StepPhase = 'start' | 'done' | 'fail';

export type Verdict = 'completed' | 'failed' | 'truncated' | 'hung';
export const VERDICTS: readonly Verdict[] = ['completed', 'failed', 'truncated', 'hung'];

declare module '../../sim/trace.ts' {
  interface TraceKinds {
    'client-step': {
      readonly client: string;
      readonly index: number;
      readonly step: string;
      readonly phase: StepPhase;
      readonly detail?: string;
    };
    /** `step`: the script step running when the reply was read (the greeting: 0, before the first step). */
    'client-reply': {
      readonly client: string;
      readonly step: number;
      readonly code: number;
      readonly text: string;
    };
    'client-verdict': {
      readonly client: string;
      readonly verdict: Verdict;
      readonly detail: string;
      readonly code?: number;
    };
    'app-event': {
      readonly app: string;
      readonly conn: string;
      readonly event: string;
      readonly detail?: string;
    };
  }
}

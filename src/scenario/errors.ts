/**
 * A bad scenario: the author's mistake (a UsageError, exit code 2 in the CLI), with the file and the path
 * of the field in the message, e.g.
 * `scenarios/kb/x.json: clients[0].script[3].mode: expected 'passive' | 'epsv' | 'active' | 'eprt', got 'pasive'`.
 */

import { UsageError } from '../../sim/errors.ts';

export class ScenarioError extends UsageError {
  override name = 'ScenarioError';
  /** The scenario file (or whatever the caller named the data). */
  readonly file: string;
  /** The field path, e.g. 'clients[0].script[3].mode'; '' for the scenario as a whole. */
  readonly field: string;
  /** What is wrong, without the file and the field. */
  readonly problem: string;

  constructor(file: string, field: string, problem: string) {
    super(field === '' ? `${file}: ${problem}` : `${file}: ${field}: ${problem}`);
    this.file = file;
    this.field = field;
    this.problem = problem;
  }
}

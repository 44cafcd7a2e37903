/**
 * A scenario, as an author writes it (`ScenarioInput`: plain data, JSON or a TypeScript file's default
 * export, durations as '5ms') and as the runner uses it once validated (`Scenario`: times in nanoseconds,
 * paths and faults checked, clients and applications resolved to addresses and filled with their defaults).
 */

import type { FaultRuleSpec } from '../../sim/net/fault-validate.ts';
import type { FaultRule } from '../../sim/net/faults.ts';
import type { PathConfig, PathOptions } from '../../sim/net/path-config.ts';
import type { TcpOptions } from '../../sim/tcp/options.ts';
import type { Time } from '../../sim/time.ts';
import type { ClientModel, ClientSpec, CodeMatch, TransferMode } from '../clients/script.ts';
import type { TcpAppSpec } from '../clients/tcp-apps.ts';
import type { FtpConfigInput, Profile } from '../ftp/config.ts';
import type { EntrySpec } from '../ftp/fs.ts';
import type { UserDb } from '../ftp/users.ts';
import type { Expectation } from './expect-types.ts';

/** '5ms', '1.5s', or a number of nanoseconds. */
export type Duration = string | number;

/** File or upload content: text (UTF-8), the test pattern of `size` bytes, a repeated text, or bytes. */
export type ContentInput =
  | string
  | Uint8Array
  | { readonly size: number }
  | { readonly text: string; readonly repeat?: number };

export type PathInput = PathOptions &
  ({ readonly between: readonly [string, string] } | { readonly from: string; readonly to: string });

/** TCP options as data: the durations may be written '200ms'. */
export type TcpOptionsInput = {
  readonly [K in keyof TcpOptions]?: TcpOptions[K] extends number ? number | string : TcpOptions[K];
};

export type FileInput =
  | ContentInput
  | null
  | (Omit<EntrySpec, 'data' | 'mtime'> & { readonly data?: ContentInput; readonly mtime?: Duration });

export interface ServerInput {
  readonly host: string;
  readonly port?: number;
  /**
   * The FTP server's settings (src/ftp/config.ts); the profile is the scenario's `profile`. `users` may be
   * given in part: the rest keeps its defaults.
   */
  readonly config?: Omit<FtpConfigInput, 'profile' | 'users'> & { readonly users?: Partial<UserDb> };
  /** 'dir/a.txt': content, 'dir/sub/': null (a directory). */
  readonly files?: Readonly<Record<string, FileInput>>;
  /** Another process holds a file open from `from` until `until` (absent or null: for ever). */
  readonly locks?: ReadonlyArray<{
    readonly path: string;
    readonly from?: Duration;
    readonly until?: Duration | null;
  }>;
}

export interface KnobsInput {
  readonly mode?: TransferMode;
  readonly connectDelay?: Duration;
  readonly commandDelay?: Duration;
  readonly localPort?: number;
  /** Read at most `bytes` every `every`. */
  readonly reader?: { readonly bytes: number; readonly every: Duration };
}

export type StepInput =
  | { readonly do: 'login'; readonly user?: string; readonly pass?: string }
  | { readonly do: 'cwd'; readonly path: string }
  | { readonly do: 'type'; readonly type: 'A' | 'I' }
  | { readonly do: 'command'; readonly line: string; readonly expect?: CodeMatch | readonly CodeMatch[] }
  | (KnobsInput & {
      readonly do: 'list' | 'nlst';
      readonly path?: string;
      readonly options?: string;
      readonly expect?: CodeMatch;
    })
  | (KnobsInput & { readonly do: 'retr'; readonly path: string; readonly expect?: CodeMatch })
  | (KnobsInput & {
      readonly do: 'stor' | 'appe';
      readonly path: string;
      readonly data: ContentInput;
      readonly expect?: CodeMatch;
    })
  | { readonly do: 'quit' }
  | { readonly do: 'send'; readonly text: string }
  | { readonly do: 'wait'; readonly for: Duration }
  | { readonly do: 'wait'; readonly reply: CodeMatch }
  | { readonly do: 'open-data'; readonly localPort?: number }
  | { readonly do: 'close' | 'abort'; readonly what?: 'control' | 'data' };

export interface ClientInput extends Omit<KnobsInput, 'localPort'> {
  /** Default `c1`, `c2`, ... in the order of the list. */
  readonly name?: string;
  readonly host: string;
  /** 'host' or 'host:port'; default the scenario's FTP server. */
  readonly server?: string;
  readonly model?: ClientModel;
  readonly start?: Duration;
  readonly think?: Duration;
  readonly timeout?: Duration;
  readonly dataPort?: number;
  readonly record?: 'bytes' | 'count';
  readonly script: readonly StepInput[];
}

export type TcpActionInput =
  | { readonly at?: Duration; readonly do: 'listen'; readonly port: number; readonly as?: string }
  | {
      readonly at?: Duration;
      readonly do: 'connect';
      readonly to: string;
      readonly localPort?: number;
      readonly as?: string;
    }
  | { readonly at?: Duration; readonly do: 'send'; readonly conn: string; readonly data: ContentInput }
  | { readonly at?: Duration; readonly do: 'close' | 'abort'; readonly conn: string }
  | { readonly at?: Duration; readonly do: 'unlisten'; readonly port: number };

export type TcpAppInput =
  | {
      readonly kind: 'bulk';
      readonly name: string;
      readonly host: string;
      readonly to: string;
      readonly bytes: number;
      readonly start?: Duration;
      readonly localPort?: number;
    }
  | { readonly kind: 'sink'; readonly name: string; readonly host: string; readonly port: number }
  | {
      readonly kind: 'script';
      readonly name: string;
      readonly host: string;
      readonly onPeerClose?: 'close' | 'ignore';
      readonly steps: readonly TcpActionInput[];
    };

/** Expectations as written: the same types as the validated ones, whose short forms are allowed here too. */
export type ExpectationInput = Expectation;

export interface ScenarioInput {
  readonly name: string;
  /** One line: what the scenario shows. */
  readonly about: string;
  readonly seed?: string | number;
  /** The profile a run uses unless told otherwise. Default 'ftp75'. */
  readonly profile?: Profile;
  readonly hosts: ReadonlyArray<{ readonly name: string; readonly addr: string }>;
  /** `between: [a, b]` sets both directions; `from`/`to` one direction. */
  readonly paths?: readonly PathInput[];
  /** Every pair of hosts without a path of its own. */
  readonly defaultPath?: PathOptions;
  readonly faults?: readonly FaultRuleSpec[];
  readonly tcp?: TcpOptionsInput & { readonly hosts?: Readonly<Record<string, TcpOptionsInput>> };
  readonly server?: ServerInput;
  readonly clients?: readonly ClientInput[];
  readonly apps?: readonly TcpAppInput[];
  readonly expect?: readonly ExpectationInput[];
  readonly limits?: { readonly maxSteps?: number; readonly until?: Duration };
  /**
   * Whether a run records the trace unless its caller says otherwise (default true). A benchmark sets false:
   * its expectations then read only the final state (client outcomes, applications, check functions).
   */
  readonly trace?: boolean;
}

export interface ServerSpec {
  readonly host: string;
  readonly port: number;
  readonly config: Omit<FtpConfigInput, 'profile'>;
  readonly files: Readonly<Record<string, Uint8Array | EntrySpec | null>>;
  readonly locks: ReadonlyArray<{ readonly path: string; readonly from: Time; readonly until: Time | null }>;
}

export interface Scenario {
  readonly name: string;
  readonly about: string;
  /** Where it was loaded from ('' when built in code). */
  readonly file: string;
  readonly seed: string | number;
  readonly profile: Profile;
  readonly hosts: ReadonlyArray<{ readonly name: string; readonly addr: string }>;
  readonly paths: ReadonlyArray<{ readonly from: string; readonly to: string; readonly config: PathConfig }>;
  readonly defaultPath: PathConfig | undefined;
  readonly faults: readonly FaultRule[];
  readonly tcp: {
    readonly all: Partial<TcpOptions>;
    readonly perHost: Readonly<Record<string, Partial<TcpOptions>>>;
  };
  readonly server: ServerSpec | null;
  readonly clients: readonly ClientSpec[];
  readonly apps: readonly TcpAppSpec[];
  readonly expect: readonly Expectation[];
  readonly limits: { readonly maxSteps: number | undefined; readonly until: Time | undefined };
  readonly trace: boolean;
}

/**
 * Runs a fast-check property with the project's seed policy. Each property has a fixed default
 * seed, so CI is reproducible; `SHARDCAP_SEED`, `SHARDCAP_PATH` and `SHARDCAP_RUNS` override it.
 * A failure throws with fast-check's report, the seed and path, and the command that replays it.
 */
import fc from 'fast-check';

export interface PropertySettings {
  readonly seed: number;
  readonly numRuns: number;
  readonly path?: string;
}

/** A stable 32-bit seed from a property's name (FNV-1a), so every property has its own default. */
export const defaultSeed = (name: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index += 1) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
};

const readInteger = (variable: string): number | undefined => {
  const text = process.env[variable];
  if (text === undefined || text === '') {
    return undefined;
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(`invalid ${variable}=${JSON.stringify(text)}: expected an integer`);
  }
  return value;
};

export const propertySettings = (name: string, numRuns: number): PropertySettings => {
  const path = process.env['SHARDCAP_PATH'];
  const settings = {
    seed: readInteger('SHARDCAP_SEED') ?? defaultSeed(name),
    numRuns: readInteger('SHARDCAP_RUNS') ?? numRuns,
  };
  return path === undefined || path === '' ? settings : { ...settings, path };
};

export const replayCommand = (name: string, seed: number, path: string | undefined, file: string): string =>
  `SHARDCAP_SEED=${seed}${path === undefined ? '' : ` SHARDCAP_PATH=${path}`} npx vitest run ${file} -t ${JSON.stringify(name)}`;

const reportFailure = <T>(name: string, file: string, details: fc.RunDetails<T>): void => {
  if (!details.failed) {
    return;
  }
  const report = fc.defaultReportMessage(details) ?? 'property failed';
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const replay = replayCommand(name, details.seed, details.counterexamplePath ?? undefined, file);
  throw new Error(`${name}: ${report}\n${report.includes(cause) ? '' : `cause: ${cause}\n`}replay: ${replay}`);
};

/**
 * Checks `property` and throws when it fails. `file` is the test file, used in the replay command.
 * An asynchronous property returns a promise that rejects instead.
 */
export function assertProperty<T>(name: string, file: string, property: fc.IProperty<T>, numRuns: number): void;
export function assertProperty<T>(name: string, file: string, property: fc.IAsyncProperty<T>, numRuns: number): Promise<void>;
export function assertProperty<T>(
  name: string,
  file: string,
  property: fc.IProperty<T> | fc.IAsyncProperty<T>,
  numRuns: number,
): void | Promise<void> {
  const settings = propertySettings(name, numRuns);
  if (property.isAsync()) {
    return fc.check(property as fc.IAsyncProperty<T>, settings).then((details) => reportFailure(name, file, details));
  }
  reportFailure(name, file, fc.check(property as fc.IProperty<T>, settings));
}

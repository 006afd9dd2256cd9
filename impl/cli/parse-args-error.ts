/**
 * Messages for the errors of `parseArgs` from node:util. Most of Node's messages name the option
 * and the problem already. The message for a value that starts with '-' takes two lines and
 * never shows how to pass such a value, so it is rewritten.
 */

/** Returns a one-line message for an error that `parseArgs` threw. */
export const parseArgsErrorMessage = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  const ambiguous = /^Option '(-[^' ]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous !== null) {
    const option = ambiguous[1] as string;
    return `the value after ${option} starts with '-', so it reads as an option: write ${option}=VALUE to pass such a value, or give ${option} a value`;
  }
  return message.split('\n')[0] ?? message;
};

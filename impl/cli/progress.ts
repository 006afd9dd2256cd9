/** Progress of a campaign on stderr: a bar redrawn in place on a terminal, plain lines otherwise. */
export interface Progress {
  readonly update: (done: number, total: number) => void;
  readonly done: () => void;
}

const BAR_WIDTH = 30;

export const createProgress = (write: (text: string) => void, isTty: boolean): Progress => {
  let nextTenth = 10;
  let drawn = false;
  return {
    update: (done, total) => {
      const percent = Math.floor((done * 100) / Math.max(total, 1));
      if (isTty) {
        const filled = Math.round((BAR_WIDTH * done) / Math.max(total, 1));
        write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} histories`);
        drawn = true;
        return;
      }
      // Without a terminal, one line per tenth keeps CI logs short.
      if (percent >= nextTenth || done === total) {
        nextTenth = Math.floor(percent / 10) * 10 + 10;
        write(`checked ${done}/${total} histories\n`);
      }
    },
    done: () => {
      if (drawn) {
        write('\n');
      }
    },
  };
};

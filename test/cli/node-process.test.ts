/** NodeProcess with node commands that misbehave around their exit. */
import { describe, expect, it } from 'vitest';
import { describeExit, NodeProcess } from '../../impl/cli/node-process.ts';
import { nodeId } from '../../model/index.ts';

const spec = (command: ReadonlyArray<string>) => ({
  id: nodeId('n0'),
  address: { host: '127.0.0.1', port: 1 },
  data: '/nonexistent',
  peers: new Map(),
  command,
});

describe('NodeProcess', () => {
  it('settles when a started process keeps its output open', async () => {
    // The command exits at once, leaving a process in a session of its own that keeps the pipes open.
    const started = new NodeProcess(spec(['sh', '-c', '(setsid sleep 3 &); exit 3']), () => undefined);

    const exit = await started.exited;

    expect(exit.code).toBe(3);
    expect(exit.outputHeldOpen).toBe(true);
    expect(describeExit(exit)).toContain('a node command must not leave processes in another session or process group');
  });

  it('settles normally when the output closes with the exit', async () => {
    const started = new NodeProcess(spec(['sh', '-c', 'echo bye; exit 4']), () => undefined);

    const exit = await started.exited;

    expect(exit).toEqual({ code: 4, signal: null });
    expect(describeExit(exit)).toBe('exit code 4');
  });

  it('kills the processes a node command started', async () => {
    // sh waits for sleep, which keeps the output pipes open: a kill that reached only sh would leave
    // the output open until sleep ends, long after the grace period.
    const started = new NodeProcess(spec(['sh', '-c', 'sleep 30; exit 0']), () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));

    started.kill('SIGKILL');
    const exit = await started.exited;

    expect(exit.signal).toBe('SIGKILL');
    expect(exit.outputHeldOpen).toBeUndefined();
  });
});

/**
 * The deterministic simulator: seeded randomness, simulated time, network and disks, and the
 * event trace, bundled by `SimWorld`. It reads no real clock and no real randomness.
 */
export * from './clock.ts';
export * from './defaults.ts';
export * from './disk.ts';
export * from './network.ts';
export * from './random.ts';
export * from './trace.ts';
export * from './trace-logger.ts';
export * from './world.ts';

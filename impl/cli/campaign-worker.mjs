// Entry point of a worker thread of `shardcap check --workers N`. A worker does not inherit the
// TypeScript loader of its parent, so it registers tsx itself, as bin.mjs does.
import { register } from 'tsx/esm/api';

register();

await import('./campaign-worker.ts');

// Sandboxed preload: exposes narrow domain methods built from ./contract. Filled in by the shell work.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('api', {});

// The app's version, one source for the CLI (`stillmotion --version`) and the desktop About
// panel. Imported from package.json so the bundlers (esbuild for the CLI, electron-vite for
// main) inline the string at build time: the built CLI reads no package.json at run time, and
// only the `version` field ends up in either bundle.
import { version } from '../../package.json';

export const APP_VERSION: string = version;

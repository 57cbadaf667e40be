// The built CLI's entry (scripts/build-cli.mjs bundles from here into out/cli/stillmotion.mjs):
// the package's bin/stillmotion.mjs imports it and sets the exit code from `main`.
export { main } from './index';

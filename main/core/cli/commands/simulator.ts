// `stillmotion simulator [options]` runs the RunComfy simulator in the foreground, with the
// options of `npm run simulator -- --help` (it keeps the process alive until Ctrl-C).
export async function simulatorCommand(args: string[]): Promise<void> {
  process.argv = [process.argv[0]!, 'simulator', ...args];
  await import('../../simulator/cli');
}

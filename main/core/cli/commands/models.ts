// `stillmotion models` lists the models (ids and aliases for --model, prices) and the entries
// from the user's models folder.
import { catalogForCli, describeModels } from '../catalog-for-cli';
import type { CliIo } from '../io';

export async function modelsCommand(io: CliIo): Promise<void> {
  io.out.write(`${describeModels(await catalogForCli(io.env, io.err))}\n`);
}

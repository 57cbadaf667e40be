// The model a new batch starts with, taken from its entry file so the id is written once.
// Kept apart from the catalog so the dependency-free domain can re-export it.
import kling30Standard from './models/kling-3.0-standard.json';

export const DEFAULT_MODEL_ID: string = kling30Standard.id;

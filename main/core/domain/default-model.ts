// The model a new batch starts with, taken from its entry file so the id is written once.
// Data only (a JSON entry imports nothing), so the domain stays below every other layer.
import kling30Standard from '../catalog/models/kling-3.0-standard.json';

export const DEFAULT_MODEL_ID: string = kling30Standard.id;

/**
 * The project store, CSV service and autosave copies the app uses on disk (src-main/storage):
 * .mlplab files, papaparse imports, recovery copies in the app's data folder.
 */
import { createAppStorage, type RecoveryStore } from '../storage/app-storage';
import type { CsvService } from './csv-service';
import type { ProjectStore } from '../services/project-service';

/** Storage for a host whose app data lives in `appDataDir`. */
export function createHostStorage(appDataDir: string): { store: ProjectStore; csv: CsvService; recovery: RecoveryStore } {
  return createAppStorage(appDataDir);
}

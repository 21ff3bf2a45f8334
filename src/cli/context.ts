import { openStore, type Store, type StoreLocation, storeLocationFromEnv } from "../store/open-store.js";

export interface GlobalOptions {
  db?: string;
  databaseUrl?: string;
}

export function locationFrom(options: GlobalOptions): StoreLocation {
  if (options.databaseUrl) return { url: options.databaseUrl };
  if (options.db) return { file: options.db };
  return storeLocationFromEnv();
}

/** Opens the store named by the global options, runs `work`, and always closes it. */
export async function withStore<T>(options: GlobalOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(locationFrom(options));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

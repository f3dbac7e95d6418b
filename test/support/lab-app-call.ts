import type { LabApp } from '../../src-main/app/lab-app';

/** Calls `name` through the app's router, as the window does; a refusal throws its wire error. */
export async function call<T>(a: LabApp, name: string, payload: unknown = {}): Promise<T> {
  const r = await a.router.call(name, payload);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as T;
}

// The signed-in employee: token (kept in localStorage), profile and permissions from GET /me.
// Menus and buttons ask can(permission); the server enforces the same table.
import * as authApi from '@kilowatt/api/auth';
import { ApiError, setToken } from '@kilowatt/api/http';
import { quietly } from '@kilowatt/api/present';
import type { Permission, StaffMe } from '@kilowatt/api/types';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { live } from './live';

const TOKEN_KEY = 'kw-admin-token';

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // no storage: the session lasts for this page only
  }
}

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(readToken());
  const me = ref<StaffMe | null>(null);
  const permissions = computed(() => new Set<Permission>(me.value?.permissions ?? []));
  const signedIn = computed(() => token.value !== null && me.value !== null);

  function can(permission: Permission | undefined): boolean {
    return !permission || permissions.value.has(permission);
  }

  function begin(newToken: string): void {
    token.value = newToken;
    setToken(newToken);
    writeToken(newToken);
  }

  async function loadMe(): Promise<StaffMe> {
    const profile = await authApi.me<StaffMe>();
    if (profile.kind !== 'staff') throw new ApiError(403, 'not_staff', 'not a staff account');
    me.value = profile;
    live.connect(token.value as string);
    return profile;
  }

  async function login(loginName: string, password: string): Promise<StaffMe> {
    const session = await authApi.staffLogin(loginName, password);
    begin(session.token);
    try {
      return await loadMe();
    } catch (e) {
      clear();
      throw e;
    }
  }

  /** At start: resumes a saved session; false when there is none or it expired. */
  async function restore(): Promise<boolean> {
    if (!token.value) return false;
    setToken(token.value);
    try {
      // Quiet: a session that cannot be resumed just leads to the login page.
      await quietly(() => loadMe());
      return true;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) clear();
      return false;
    }
  }

  /** Forgets the session locally (after a 401, or at logout). */
  function clear(): void {
    token.value = null;
    me.value = null;
    setToken(null);
    writeToken(null);
    live.disconnect();
  }

  async function logout(): Promise<void> {
    try {
      if (token.value) await quietly(() => authApi.logout());
    } catch {
      // the token is forgotten either way
    }
    clear();
  }

  return { token, me, permissions, signedIn, can, login, restore, clear, logout };
});

// Storage for the reference server, behind a small interface so that a real database can replace the
// in-memory implementation. Every method is async, as a database call would be, and each one that
// changes state maps to ONE SQL statement (shown next to it), so each is atomic on its own.
//
// Schema the methods assume (see docs/guide.md, "What to store in which column"):
//   users(id TEXT PRIMARY KEY, username TEXT UNIQUE, password_hash TEXT,
//         totp_secret TEXT NULL,      -- sealSecret() output, never the plain secret
//         pending_secret TEXT NULL,   -- sealed too: the secret being enrolled, not yet confirmed
//         last_step INTEGER NOT NULL DEFAULT -1,  -- TOTP replay state (afterStep); only ever grows
//         failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0)
//   recovery_codes(user_id TEXT, hash TEXT, PRIMARY KEY (user_id, hash))  -- hashRecoveryCode() output
//   sessions(id TEXT PRIMARY KEY, user_id TEXT NULL, stage TEXT, csrf TEXT, expires_at INTEGER)

/**
 * @typedef {object} User
 * @property {string} id
 * @property {string} username
 * @property {string} passwordHash   'pbkdf2-sha256$<iterations>$<salt>$<hash>'
 * @property {string | null} totpSecret     sealed; non-null exactly when 2FA is on
 * @property {string | null} pendingSecret  sealed; the secret shown at enrolment, until confirmed
 * @property {number} lastStep       the TOTP step of the last accepted code (-1: none yet)
 * @property {string[]} recoveryHashes
 * @property {number} failures       failed second-factor attempts in a row, per account
 * @property {number} lockedUntil    Unix ms; the second factor is refused before it
 *
 * @typedef {object} Session
 * @property {string} id
 * @property {string} csrf
 * @property {string | null} userId
 * @property {'anonymous' | 'password' | 'full'} stage   'password': the password was right, the code is due
 * @property {number} expiresAt      Unix ms
 *
 * @typedef {object} Store
 * @property {(user: { username: string, passwordHash: string }) => Promise<User | null>} createUser  null if the name is taken
 * @property {(id: string) => Promise<User | null>} getUser
 * @property {(username: string) => Promise<User | null>} findUserByName
 * @property {(id: string, sealed: string | null) => Promise<void>} setPendingSecret
 * @property {(id: string, recoveryHashes: string[]) => Promise<boolean>} enableTwoFactor  pending -> active; false if nothing pending
 * @property {(id: string) => Promise<void>} disableTwoFactor
 * @property {(id: string, step: number) => Promise<boolean>} advanceLastStep  the compare-and-set; false if step <= last_step
 * @property {(id: string, hash: string) => Promise<boolean>} consumeRecoveryHash  false if already gone
 * @property {(id: string, hashes: string[]) => Promise<void>} replaceRecoveryHashes
 * @property {(id: string) => Promise<number>} recordFailure  returns the new count
 * @property {(id: string, until: number) => Promise<void>} lockUntil
 * @property {(id: string) => Promise<void>} clearFailures
 * @property {(session: Session) => Promise<void>} putSession
 * @property {(id: string) => Promise<Session | null>} getSession
 * @property {(id: string) => Promise<void>} deleteSession
 */

/**
 * An in-memory Store. JavaScript runs one callback at a time, so each method body (no `await` inside)
 * is atomic, like the single SQL statement it stands for. Records are copied in and out, as rows would be.
 *
 * @returns {Store}
 */
export function createMemoryStore() {
  /** @type {Map<string, User>} */
  const users = new Map();
  /** @type {Map<string, Session>} */
  const sessions = new Map();
  const copy = (value) => (value === undefined || value === null ? null : structuredClone(value));
  const row = (id) => {
    const user = users.get(id);
    if (!user) throw new Error('no such user');
    return user;
  };

  return {
    async createUser({ username, passwordHash }) {
      // INSERT INTO users (id, username, password_hash) VALUES (?, ?, ?)  -- UNIQUE(username) refuses a duplicate
      for (const user of users.values()) if (user.username === username) return null;
      const id = randomId();
      const user = {
        id,
        username,
        passwordHash,
        totpSecret: null,
        pendingSecret: null,
        lastStep: -1,
        recoveryHashes: [],
        failures: 0,
        lockedUntil: 0,
      };
      users.set(id, user);
      return copy(user);
    },
    async getUser(id) {
      // SELECT ... FROM users WHERE id = ?  (+ SELECT hash FROM recovery_codes WHERE user_id = ?)
      return copy(users.get(id));
    },
    async findUserByName(username) {
      // SELECT ... FROM users WHERE username = ?
      for (const user of users.values()) if (user.username === username) return copy(user);
      return null;
    },
    async setPendingSecret(id, sealed) {
      // UPDATE users SET pending_secret = ? WHERE id = ?
      row(id).pendingSecret = sealed;
    },
    async enableTwoFactor(id, recoveryHashes) {
      // UPDATE users SET totp_secret = pending_secret, pending_secret = NULL, failures = 0
      //   WHERE id = ? AND pending_secret IS NOT NULL        (+ the recovery_codes rows, in one transaction)
      const user = row(id);
      if (user.pendingSecret === null) return false;
      user.totpSecret = user.pendingSecret;
      user.pendingSecret = null;
      user.recoveryHashes = [...recoveryHashes];
      user.failures = 0;
      return true;
    },
    async disableTwoFactor(id) {
      // UPDATE users SET totp_secret = NULL, pending_secret = NULL WHERE id = ?  (+ DELETE FROM recovery_codes
      // WHERE user_id = ?). last_step is kept: it only ever grows, so no code accepted before is accepted again.
      const user = row(id);
      user.totpSecret = null;
      user.pendingSecret = null;
      user.recoveryHashes = [];
    },
    async advanceLastStep(id, step) {
      // UPDATE users SET last_step = ? WHERE id = ? AND last_step < ?     -- success iff 1 row changed
      const user = row(id);
      if (!(user.lastStep < step)) return false;
      user.lastStep = step;
      return true;
    },
    async consumeRecoveryHash(id, hash) {
      // DELETE FROM recovery_codes WHERE user_id = ? AND hash = ?         -- success iff 1 row deleted
      const user = row(id);
      const index = user.recoveryHashes.indexOf(hash);
      if (index < 0) return false;
      user.recoveryHashes.splice(index, 1);
      return true;
    },
    async replaceRecoveryHashes(id, hashes) {
      // DELETE FROM recovery_codes WHERE user_id = ?; INSERT ... (one transaction)
      row(id).recoveryHashes = [...hashes];
    },
    async recordFailure(id) {
      // UPDATE users SET failures = failures + 1 WHERE id = ? RETURNING failures
      return ++row(id).failures;
    },
    async lockUntil(id, until) {
      // UPDATE users SET locked_until = MAX(locked_until, ?) WHERE id = ?
      const user = row(id);
      user.lockedUntil = Math.max(user.lockedUntil, until);
    },
    async clearFailures(id) {
      // UPDATE users SET failures = 0, locked_until = 0 WHERE id = ?
      const user = row(id);
      user.failures = 0;
      user.lockedUntil = 0;
    },
    async putSession(session) {
      // INSERT OR REPLACE INTO sessions ...
      sessions.set(session.id, copy(session));
    },
    async getSession(id) {
      // SELECT ... FROM sessions WHERE id = ?
      return copy(sessions.get(id));
    },
    async deleteSession(id) {
      // DELETE FROM sessions WHERE id = ?
      sessions.delete(id);
    },
  };
}

/** 128 random bits, base64url: for user ids here; session ids use the same in app.mjs. */
export function randomId(bytes = 16) {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(
    /=+$/,
    '',
  );
}

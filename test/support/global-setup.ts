// Replaced by the real setup (embedded PostgreSQL + redis-server) once the runtime lands.
export default function setup(): void {}

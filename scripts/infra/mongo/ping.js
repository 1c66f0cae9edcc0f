// Connectivity check. The URL comes from the environment (RB_MONGO_URL),
// never from the command line.
const conn = connect(process.env.RB_MONGO_URL);
const res = conn.runCommand({ ping: 1 });
if (!res || res.ok !== 1) {
  throw new Error('ping failed');
}
print('ok\t' + conn.getName());

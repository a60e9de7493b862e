/**
 * The one registry of coded errors. Every `PKR_ERR_*` the SDK throws is listed here with a
 * summary and a hint that tells the reader what to do; docs/errors.md is generated from it
 * (`make generate`) and a spec checks that both agree.
 *
 * Sections are grouped by the layer that raises them. Keep codes stable: plugin authors
 * match on them.
 */
export const errorCodes = {
  // --- engine ---------------------------------------------------------------------------
  PKR_ERR_STEP_INVALID: {
    summary: 'A value given to the runner is not a step.',
    hint: 'A step is an object with a non-empty string `name` and a `run(state, ctx)` function; `cleanup` is optional.',
  },
  PKR_ERR_STEP_NAME: {
    summary: 'A step name cannot be used as a state name.',
    hint: "Use a non-empty name without '.', '#' or '/' (they separate paths in the step graph).",
  },
  PKR_ERR_STEP_DUPLICATE: {
    summary: 'Two steps in one sequence share a name.',
    hint: 'Step names must be unique within a sequence; rename one, or wrap a group in `sequence(name, steps)`.',
  },
  PKR_ERR_STEP_RESULT: {
    summary: "A step's run returned something other than 'continue' or 'halt'.",
    hint: "Return 'continue' to go on or 'halt' to stop the build; throw to fail it.",
  },
  PKR_ERR_RUNNER_BUSY: {
    summary: 'A runner was started while it was already running.',
    hint: 'Await the first run, or create a second runner from the same steps.',
  },
  PKR_ERR_STATE_MISSING: {
    summary: 'A step required a state key that no earlier step put.',
    hint: 'Check the step order: the step that puts this key must run before the one that requires it.',
  },
  PKR_ERR_CANCELLED: {
    summary: 'The build was cancelled.',
    hint: 'Cancellation came from the AbortSignal (Packer sent Cancel, or the user pressed Ctrl-C); cleanup has run.',
  },
  PKR_ERR_RETRY_EXHAUSTED: {
    summary: 'A retried step failed on every attempt.',
    hint: 'The cause holds the last attempt’s error; raise `attempts` or fix the underlying failure.',
  },
  PKR_ERR_OPTION_INVALID: {
    summary: 'An option passed to an SDK function is out of range or of the wrong type.',
    hint: 'Read the message for the option name and the accepted values.',
  },
  // --- config / components ---------------------------------------------------------------
  PKR_ERR_CONFIG_INVALID: {
    summary: 'A component configuration has problems.',
    hint: 'Each line names a field path and what is wrong with it; fix them all and run `packer validate` again.',
  },
  PKR_ERR_BUILD_FAILED: {
    summary: 'A build did not finish: it was halted or cancelled.',
    hint: 'The message says which step stopped it; cleanup has already run for every step that started.',
  },
  // --- rpc/plugin ---------------------------------------------------------------------
  PKR_ERR_PLUGIN_LISTEN: {
    summary: 'The plugin could not open the socket Packer connects to, or Packer never connected to it.',
    hint: 'Check that TMPDIR is writable (unix socket) or that a port in PACKER_PLUGIN_MIN_PORT..PACKER_PLUGIN_MAX_PORT is free (TCP).',
  },
  PKR_ERR_PLUGIN_MANUAL_START: {
    summary: 'The plugin was started by hand instead of by Packer.',
    hint: 'Packer starts plugins itself: install the plugin and run `packer build`. Use `describe` to inspect it.',
  },
  PKR_ERR_PLUGIN_USAGE: {
    summary: 'The plugin was started with arguments it does not understand.',
    hint: 'Packer runs plugins as `describe` or `start KIND NAME`; single-component binaries run with no arguments.',
  },
  PKR_ERR_PLUGIN_UNKNOWN_COMPONENT: {
    summary: 'Packer asked for a component this plugin does not register.',
    hint: "Compare the template's component name with what `describe` lists; rebuild or reinstall the plugin.",
  },
  PKR_ERR_PLUGIN_CRASHED: {
    summary: 'The plugin hit an unexpected error and is exiting.',
    hint: "Every in-flight call was failed with this error; see the plugin's stderr in PACKER_LOG output for the stack.",
  },
  PKR_ERR_PLUGIN_HANDSHAKE: {
    summary: 'A plugin did not produce a handshake line Packer accepts.',
    hint: 'The plugin must print exactly one line on stdout first: 5|unix|PATH for Packer 1.6, 5|0|unix|PATH for newer; set PACKER_SDK_HANDSHAKE to force one.',
  },
  // --- rpc/broker ---------------------------------------------------------------------
  PKR_ERR_BROKER_TIMEOUT: {
    summary: 'The peer did not connect to an announced broker id in time.',
    hint: 'Packer dials announced ids at once; a timeout means the connection is stuck or the peer crashed. Check PACKER_LOG output.',
  },
  PKR_ERR_BROKER_DIAL: {
    summary: 'Dialing a broker id failed (no or wrong acknowledgement).',
    hint: 'The peer was not accepting that id; ids must be dialed within 5 s of being announced.',
  },
  PKR_ERR_BROKER_DUPLICATE: {
    summary: 'Two accepts were registered for the same broker id.',
    hint: 'Allocate a fresh id with broker.nextId() for every service you announce.',
  },
  PKR_ERR_BROKER_CLOSED: {
    summary: 'The connection to Packer closed while a broker stream was pending.',
    hint: 'Packer ended the session (build finished, cancelled, or crashed); nothing more can be sent.',
  },
  // --- rpc/yamux ----------------------------------------------------------------------
  PKR_ERR_YAMUX_BAD_VERSION: {
    summary: 'A yamux frame header carried a protocol version other than 0.',
    hint: 'The peer is not speaking yamux (or the byte stream lost sync): check that both ends of the connection run a yamux session.',
  },
  PKR_ERR_YAMUX_BAD_TYPE: {
    summary: 'A yamux frame header carried an unknown message type.',
    hint: 'Only types 0-3 (Data, WindowUpdate, Ping, GoAway) exist; the peer is broken or the byte stream is corrupt.',
  },
  PKR_ERR_YAMUX_FRAME_TOO_LARGE: {
    summary: 'A yamux Data frame announced more payload than any receive window allows.',
    hint: 'The peer ignores flow control or the stream is corrupt; raise `maxStreamWindow` only if the peer is configured with a larger window too.',
  },
  PKR_ERR_YAMUX_WINDOW_EXCEEDED: {
    summary: 'The peer sent more stream data than the receive window allowed.',
    hint: 'The peer violates yamux flow control; the session was ended with GoAway(protocol error). Check the peer implementation.',
  },
  PKR_ERR_YAMUX_DUPLICATE_STREAM: {
    summary: 'The peer opened a yamux stream id that is already in use.',
    hint: 'Stream ids must never be reused while open; the peer is broken and the session was ended with GoAway(protocol error).',
  },
  PKR_ERR_YAMUX_BAD_STREAM_ID: {
    summary: 'The peer opened a yamux stream with an id reserved for this side (or id 0).',
    hint: 'Clients open odd ids and servers even ids; check that exactly one end of the connection runs with role "client".',
  },
  PKR_ERR_YAMUX_UNEXPECTED_FLAG: {
    summary: 'A yamux frame carried a flag that is invalid in the stream state (for example a second FIN).',
    hint: 'The peer violates the yamux state machine; the session was ended with GoAway(protocol error).',
  },
  PKR_ERR_YAMUX_REMOTE_ERROR: {
    summary: 'The peer ended the yamux session with a GoAway reporting an error.',
    hint: 'Look at `details.code` (1 protocol error, 2 internal error) and at the peer’s log (PACKER_LOG=1 for Packer core).',
  },
  PKR_ERR_YAMUX_GOAWAY: {
    summary: 'A yamux stream could not be opened because the peer sent GoAway.',
    hint: 'The peer is shutting down and accepts no new streams; finish the work on existing streams or reconnect.',
  },
  PKR_ERR_YAMUX_SESSION_CLOSED: {
    summary: 'The yamux session is closed, so the stream or operation cannot continue.',
    hint: 'The cause (if any) says why the session ended; nothing more can be sent on it.',
  },
  PKR_ERR_YAMUX_CONNECTION_LOST: {
    summary: 'The connection under the yamux session ended or failed.',
    hint: 'The peer process exited or closed the socket (Packer kills plugins when a build ends); pending work cannot complete.',
  },
  PKR_ERR_YAMUX_STREAM_RESET: {
    summary: 'The peer reset the yamux stream (RST).',
    hint: 'The peer abandoned the stream (or refused it because its accept backlog was full); retry on a new stream if the operation allows it.',
  },
  PKR_ERR_YAMUX_STREAM_CLOSED: {
    summary: 'A write on a yamux stream could not complete because the stream was closed.',
    hint: 'Do not write after destroying a stream; if the peer or the session closed it, the stream’s error or the session’s close event says why.',
  },
  PKR_ERR_YAMUX_OPEN_TIMEOUT: {
    summary: 'The peer did not acknowledge a new yamux stream in time, so the session was closed.',
    hint: 'The peer is stuck or not accepting streams; raise `streamOpenTimeoutMs` only if it is known to be slow.',
  },
  PKR_ERR_YAMUX_CLOSE_TIMEOUT: {
    summary:
      'The peer did not close its side of a half-closed yamux stream in time, so the stream was reset.',
    hint: 'The peer never finished writing after this side ended the stream; raise `streamCloseTimeoutMs` for long one-way transfers.',
  },
  PKR_ERR_YAMUX_PING_TIMEOUT: {
    summary: 'A yamux ping was not answered in time.',
    hint: 'The peer or the connection is stuck; a keep-alive ping that times out closes the session (raise `connectionWriteTimeoutMs` for slow links).',
  },
  PKR_ERR_YAMUX_STREAMS_EXHAUSTED: {
    summary: 'The yamux session has used every stream id.',
    hint: 'Ids are never reused; open a new connection (this takes about two billion streams).',
  },
  PKR_ERR_YAMUX_INTERNAL: {
    summary: 'The yamux session hit an unexpected internal error and was ended.',
    hint: "An exception escaped while a frame was handled: a 'stream' or 'data' listener that threw (see the cause), or else an SDK bug to report with the log lines before it.",
  },
  // --- rpc/netrpc (Go net/rpc framing + msgpack) ----------------------------------------
  PKR_ERR_MSGPACK_ENCODE: {
    summary: 'A value cannot be encoded as msgpack for Packer.',
    hint: 'Send strings, numbers, bigints, booleans, null, Uint8Array, arrays, plain objects or Maps; send time.Time fields as null (no Date encoding works for every Packer), and break reference cycles.',
  },
  PKR_ERR_MSGPACK_DECODE: {
    summary: 'Bytes received from the peer are not valid msgpack.',
    hint: 'The peer sent a corrupt or unsupported value (`details.offset` says where); the RPC stream is closed because the byte stream can no longer be trusted.',
  },
  PKR_ERR_MSGPACK_TOO_LARGE: {
    summary: 'A msgpack value is larger than the configured maximum message size.',
    hint: 'Raise `maxMessageBytes` if the peer legitimately sends values this large; otherwise the peer is broken and the stream was closed.',
  },
  PKR_ERR_MSGPACK_TRUNCATED: {
    summary: 'The byte stream ended in the middle of a msgpack value.',
    hint: 'The peer closed the stream (or died) while sending a message; look at why the peer went away.',
  },
  PKR_ERR_RPC_VALUE: {
    summary: 'A value received over RPC does not have the type its field needs.',
    hint: 'The message names the field path and what arrived; the peer sent a different shape than the Packer interface declares (check the Packer version).',
  },
  PKR_ERR_RPC_HEADER: {
    summary: 'An RPC message header is malformed.',
    hint: 'The peer is not speaking Go net/rpc with msgpack on this stream; the stream was closed, as Go does.',
  },
  PKR_ERR_RPC_SHUTDOWN: {
    summary: 'The RPC connection is shut down, so the call cannot complete.',
    hint: 'The stream ended, failed or was closed (the cause says which); the peer process may have exited. Open a new stream to call again.',
  },
  PKR_ERR_RPC_REMOTE: {
    summary: 'The remote side answered the RPC call with an error.',
    hint: 'The message is the remote error text as Packer sent it; fix what it reports on that side.',
  },
  PKR_ERR_RPC_ABORTED: {
    summary: 'An RPC call was abandoned locally because its AbortSignal fired.',
    hint: 'Go net/rpc cannot cancel a call on the wire: the remote side may still complete it. Use the service’s Cancel method to stop remote work.',
  },
  PKR_ERR_RPC_REGISTER: {
    summary: 'An RPC service cannot be registered.',
    hint: 'Service names must be non-empty and unique on one server, and every method must be a function; unregister the old service first to replace it.',
  },
  // --- config/interpolate (template strings) ---------------------------------------------
  PKR_ERR_TEMPLATE_SYNTAX: {
    summary: 'A template string in the configuration does not parse.',
    hint: 'The message names the field, line and column (a 0-based byte offset, as Go prints it); check the braces, quotes and function names there.',
  },
  PKR_ERR_TEMPLATE_EXEC: {
    summary: 'A template string failed while it was rendered.',
    hint: 'The message names the field, the failing expression and why (a missing field, a wrong argument type, a function that is not available here); fix the template or provide the data.',
  },
  // --- communicators (ssh, local, chroot, none) and StepConnect ----------------------------
  PKR_ERR_DURATION_INVALID: {
    summary: 'A duration string is not in Go time.ParseDuration form.',
    hint: 'Write a number followed by a unit, e.g. "30s", "5m", "1h30m", "300ms", or "0"; valid units are ns, us (µs), ms, s, m, h.',
  },
  PKR_ERR_SSH_TIMEOUT: {
    summary: 'SSH did not become available before ssh_timeout ran out.',
    hint: 'The message lists the last error of the attempts; check that the machine booted, that ssh_host/ssh_port are reachable from here, or raise ssh_timeout.',
  },
  PKR_ERR_SSH_CONNECT: {
    summary: 'The TCP connection to the SSH server (or through its bastion or proxy) failed.',
    hint: 'Check the address and port, firewalls, and that sshd is running; StepConnect retries this until ssh_timeout.',
  },
  PKR_ERR_SSH_HANDSHAKE: {
    summary: 'The SSH handshake with the server failed or did not finish in time.',
    hint: 'Something answered on the port but did not complete an SSH handshake within ssh_handshake_timeout; check that the port is really sshd and that it is not overloaded.',
  },
  PKR_ERR_SSH_AUTH: {
    summary: 'The SSH server rejected every authentication method that was tried.',
    hint: 'The message lists the methods tried and the ones the server accepts; check ssh_username and the password, key or agent given, and the server’s authorized_keys.',
  },
  PKR_ERR_SSH_HOST_KEY: {
    summary: 'The SSH server presented a host key that does not match the expected one.',
    hint: 'The message shows both fingerprints. If the machine was legitimately rebuilt, update ssh_host_key or the known_hosts file; otherwise something is intercepting the connection.',
  },
  PKR_ERR_SSH_PROXY: {
    summary: 'The SOCKS5 or HTTP CONNECT proxy refused or broke the tunnel to the SSH server.',
    hint: 'Check ssh_proxy_host, ssh_proxy_port and the proxy credentials, and that the proxy may reach the target address.',
  },
  PKR_ERR_SSH_KEY: {
    summary: 'A private key could not be read or parsed.',
    hint: 'Check the file path and permissions, that it is an OpenSSH or PEM private key, and the passphrase for an encrypted key.',
  },
  PKR_ERR_SSH_AGENT: {
    summary: 'SSH agent authentication was asked for, but no agent socket is available.',
    hint: 'Start an ssh-agent and export SSH_AUTH_SOCK (or pass the socket path), and add the key with ssh-add.',
  },
  PKR_ERR_COMM_CLOSED: {
    summary: 'The communicator was used after it was closed.',
    hint: 'Commands and transfers must happen between StepConnect and its cleanup; keep the communicator from the state bag only for the build.',
  },
  PKR_ERR_COMM_COMMAND: {
    summary: 'The remote side refused to start a command.',
    hint: 'The server refused the exec (or pty) request; check the server’s limits (MaxSessions) and that the account may run commands.',
  },
  PKR_ERR_COMM_REMOTE_PATH: {
    summary: 'A remote path does not exist.',
    hint: 'Check the path on the machine being built (it is resolved there, not here); create it first or fix the provisioner’s source.',
  },
  PKR_ERR_COMM_LOCAL_PATH: {
    summary: 'A local path given to an upload or download does not exist or is of the wrong kind.',
    hint: 'Check the path on this machine: uploadDir needs a directory, downloadDir a writable destination directory.',
  },
  PKR_ERR_COMM_TRANSFER: {
    summary: 'A file transfer failed.',
    hint: 'The message says which side failed and why (permission denied, disk full, protocol error); partial files were removed.',
  },
  PKR_ERR_COMM_NONE: {
    summary: 'The "none" communicator cannot run commands or move files.',
    hint: 'Set `communicator` to "ssh" (or the builder’s own communicator) when provisioners need to reach the machine.',
  },
  PKR_ERR_COMM_UNKNOWN_TYPE: {
    summary: 'The configured communicator type is not known to this builder.',
    hint: 'Use "ssh" or "none", or a type the builder registers (for example "local" or "chroot"); "winrm" is not available in this SDK.',
  },
  PKR_ERR_CHROOT_NOT_ROOT: {
    summary: 'The chroot communicator needs root privileges.',
    hint: 'Run Packer as root (or under sudo) when the builder uses the chroot communicator.',
  },
  PKR_ERR_CHROOT_PATH_ESCAPE: {
    summary: 'A path given to the chroot communicator leads outside the chroot directory.',
    hint: 'Use paths inside the chroot; ".." components and symbolic links that point outside it are refused.',
  },
  // --- rpc/gob, rpc/cty, rpc/hclspec (byte-level encodings besides msgpack) ---------------
  PKR_ERR_GOB_DECODE: {
    summary: 'Bytes could not be decoded as a Go gob stream.',
    hint: 'The peer sent truncated, corrupt or non-gob data; `details.offset` is where decoding stopped. Check that the whole stream arrived and that it is gob, not msgpack.',
  },
  PKR_ERR_GOB_ENCODE: {
    summary: 'A value does not fit the Go type it is being gob-encoded as.',
    hint: 'The message names the field path and the Go kind it expected; build the value to match the Go type description.',
  },
  PKR_ERR_CTY_TYPE: {
    summary: 'A cty type is malformed.',
    hint: 'Use the cty JSON type form: "string", "number", "bool", "dynamic", ["list", T], ["set", T], ["map", T], ["object", {"attr": T}] or ["tuple", [T, …]].',
  },
  PKR_ERR_CTY_VALUE: {
    summary: 'A cty value does not conform to its type.',
    hint: 'The message names the path inside the value and the type it needs there; fix the value (or the declared type).',
  },
  PKR_ERR_CTY_JSON: {
    summary: 'A cty JSON document is malformed.',
    hint: 'Packer sends `{"value": …, "type": …}` (JSON in a msgpack bin); the message says what was wrong and where.',
  },
  PKR_ERR_CTY_UNENCODABLE: {
    summary: 'A cty type or value cannot be expressed in the requested encoding.',
    hint: 'gob (Packer 1.6–1.11) carries neither the dynamic type ("any") nor unknown values: give the attribute a concrete type, or serve the plugin in protobuf mode (Packer ≥1.12).',
  },
  PKR_ERR_HCLSPEC_INVALID: {
    summary: 'An HCL2 spec is malformed.',
    hint: 'Each node is attr, block, blockList, blockAttrs or blockObject with the fields its kind needs; the message names the attribute path.',
  },
  PKR_ERR_HCLSPEC_PROTOBUF: {
    summary: 'A spec uses something the protobuf ConfigSpec form cannot carry.',
    hint: 'Protobuf mode carries only attr, block and blockList nodes typed string, number, bool or list/map of those; simplify the named attribute or serve the spec in gob mode.',
  },
  PKR_ERR_HCLSPEC_DECODE: {
    summary: 'Encoded ConfigSpec bytes do not describe an hcldec.ObjectSpec.',
    hint: 'The bytes decoded, but not into the shape Packer uses for specs; the message names the path and what was found there.',
  },
  // --- steps (stock step library) --------------------------------------------------------
  PKR_ERR_HTTP_DIRECTORY: {
    summary: 'The http_directory to serve does not exist or is not a directory.',
    hint: 'Check the path (relative paths are taken from the directory Packer runs in), or serve files with http_content instead.',
  },
  PKR_ERR_HTTP_PORT: {
    summary: 'No port in http_port_min..http_port_max could be bound for the HTTP server.',
    hint: 'Widen the range, free a port in it, or check that http_bind_address is an address of this machine.',
  },
  PKR_ERR_HTTP_INTERFACE: {
    summary: 'The http_interface does not exist or has no usable address.',
    hint: 'Name an interface that is up and has an IPv4 address (see `ip -brief address`), or set http_bind_address instead.',
  },
  PKR_ERR_OUTPUT_DIR_EXISTS: {
    summary: 'The output directory already exists and is not empty.',
    hint: 'Remove or rename it, choose another output_directory, or run `packer build -force` to delete it first.',
  },
  PKR_ERR_OUTPUT_DIR: {
    summary: 'The output directory could not be created or written to.',
    hint: 'Check that the path is not a file and that the user running Packer may create and write files there.',
  },
  PKR_ERR_CHECKSUM_INVALID: {
    summary: 'A checksum setting (iso_checksum) is not in a form Packer understands.',
    hint: 'Write "sha256:<hex>" (or md5/sha1/sha512), bare hex of 32/40/64/128 digits, "file:<url or path>" of a checksum file, or "none".',
  },
  PKR_ERR_CHECKSUM_NOT_FOUND: {
    summary: 'A checksum file has no entry for the file being downloaded.',
    hint: 'The entry is matched by the file name at the end of the URL; check that the checksum file lists that exact name, or give the checksum itself.',
  },
  PKR_ERR_CHECKSUM_MISMATCH: {
    summary: 'A file does not have the expected checksum.',
    hint: 'The message shows the expected and the actual value; the bad download was removed. Check the checksum for this exact file, or the mirror serving it.',
  },
  PKR_ERR_DOWNLOAD_FAILED: {
    summary: 'A file could not be fetched from any of its URLs.',
    hint: 'Each URL tried is listed with its error; check the URLs, the network (proxies) and that local paths exist.',
  },
  PKR_ERR_CACHE_LOCK: {
    summary: 'The lock on a download cache entry could not be taken.',
    hint: 'Check that the cache directory (PACKER_CACHE_DIR, default ./packer_cache) is writable; a lock left by a process on another host must be removed by hand.',
  },
  PKR_ERR_MEDIA_SOURCE: {
    summary: 'A file or directory listed for a floppy or CD image does not exist or cannot be read.',
    hint: 'Check floppy_files, floppy_dirs or cd_files: relative paths are taken from the directory Packer runs in, and the files must be readable by the user running Packer.',
  },
  PKR_ERR_MEDIA_NAME: {
    summary:
      'Two files would land at the same place on a floppy or CD image, or a name cannot be stored there.',
    hint: 'FAT names are case-insensitive: rename one of the clashing files, or move one into a directory of its own.',
  },
  PKR_ERR_FLOPPY_FULL: {
    summary: 'The files do not fit on a 1.44 MB floppy image.',
    hint: 'A floppy holds about 1.4 MB in at most 224 root entries; move large files to http_directory, cd_files or a file provisioner.',
  },
  PKR_ERR_TOOL_MISSING: {
    summary: 'An external program a step needs is not installed.',
    hint: 'Install it (the message names the Debian package), or make sure it is on PATH for the user running Packer.',
  },
  PKR_ERR_CD_CREATE: {
    summary: 'The ISO image for cd_files could not be created.',
    hint: "The message ends with xorriso's own error output; check the files, the free space in TMPDIR and cd_label (at most 32 characters).",
  },
  PKR_ERR_WAIT_TIMEOUT: {
    summary: 'A condition a step waited for did not become true in time.',
    hint: 'The message says what was awaited and for how long; raise the timeout or find out why the machine never got there.',
  },
  PKR_ERR_SHUTDOWN_TIMEOUT: {
    summary: 'The machine did not stop within shutdown_timeout.',
    hint: 'Check that shutdown_command really powers the machine off (and needs no password for sudo), or raise shutdown_timeout.',
  },
  // --- steps: shell provisioning, boot commands, VNC ----------------------------------------
  PKR_ERR_SHELL_EXIT_CODE: {
    summary: 'A provisioning script exited with a status that is not in valid_exit_codes.',
    hint: 'Read the script output above the error; if the status is expected (e.g. 3010 after a reboot request), add it to `valid_exit_codes`.',
  },
  PKR_ERR_SHELL_DISCONNECTED: {
    summary: 'The connection dropped while a provisioning script was running.',
    hint: 'If the script reboots or restarts the network on purpose, set `expect_disconnect = true` (or add 2300218 to `valid_exit_codes`); otherwise check the machine for a crash.',
  },
  PKR_ERR_SHELL_START: {
    summary: 'A provisioning script could not be uploaded or started before start_retry_timeout.',
    hint: 'The cause is the last attempt’s error. Check that the machine is reachable and `remote_folder` exists and is writable; raise `start_retry_timeout` for machines that take long to come back from a reboot.',
  },
  PKR_ERR_SHELL_CLEANUP: {
    summary: 'A provisioning script ran, but removing it from the machine failed.',
    hint: 'Check that the machine is still reachable and that the script path is writable; set `skip_clean = true` to leave scripts in place.',
  },
  PKR_ERR_SHELL_SCRIPT: {
    summary: 'A local script named in `script`/`scripts` could not be read.',
    hint: 'Check the path (relative paths resolve against the directory Packer runs in) and its permissions.',
  },
  PKR_ERR_SHELL_LOCAL_START: {
    summary: 'shell-local could not start its execute_command on this machine.',
    hint: 'The first element of `execute_command` must be an executable program (default /bin/sh); check that it exists and is executable.',
  },
  PKR_ERR_BOOT_COMMAND_SYNTAX: {
    summary: 'A boot command does not parse.',
    hint: 'Each line names the boot_command entry and column: fix the key name (the message lists the valid ones), or the `<waitXX>` duration (Go syntax such as 5s, 1m30s, a positive value).',
  },
  PKR_ERR_VNC_CONNECT: {
    summary: 'The VNC server could not be reached, or closed the connection.',
    hint: 'Check the VNC host and port the builder uses and that the machine’s VNC server is running (and listening on that address).',
  },
  PKR_ERR_VNC_PROTOCOL: {
    summary: 'The VNC server answered something this RFB client does not understand.',
    hint: 'The server must speak RFB 3.3, 3.7 or 3.8 and offer security type None or VNC authentication; the message says what arrived instead.',
  },
  PKR_ERR_VNC_AUTH: {
    summary: 'The VNC server refused the connection during authentication.',
    hint: 'Check the VNC password (only its first 8 characters count), or whether the server needs a password at all; the message carries the server’s reason when it sent one.',
  },
  PKR_ERR_VNC_KEY: {
    summary: 'A character of the boot command has no X11 keysym to send over VNC.',
    hint: 'Control characters other than newline and tab cannot be typed; use named keys such as <enter>, <tab> or <esc> instead.',
  },
  // --- cli (packaging: build, release, install-legacy, docs, init) and acctest -------------
  PKR_ERR_CLI_USAGE: {
    summary: 'The packaging CLI was called with arguments it does not understand.',
    hint: 'Run `packer-plugin-sdk help` for the commands, or `packer-plugin-sdk COMMAND --help` for one command and its flags.',
  },
  PKR_ERR_CLI_BUNDLE: {
    summary: 'The plugin entry could not be bundled.',
    hint: 'The message lists the bundler errors with file and line; fix them (a missing package needs `npm install`).',
  },
  PKR_ERR_CLI_SEA: {
    summary: 'A single executable could not be made from the bundle.',
    hint: 'Single executables need Linux and a Node.js binary that carries the SEA fuse (official builds from 20.12 on); build without --sea to get a launcher and bundle instead.',
  },
  PKR_ERR_CLI_NOT_BUILT: {
    summary: 'The given path is not a plugin executable.',
    hint: 'Pass the `packer-plugin-NAME` file that `packer-plugin-sdk build` printed (a launcher, a single-file launcher or an executable).',
  },
  PKR_ERR_CLI_DESCRIBE: {
    summary: 'The built plugin did not answer `describe` with a valid description.',
    hint: 'Run `./packer-plugin-NAME describe` yourself: it must print one JSON line and exit 0 (launchers also need `node` on PATH, or PACKER_SDK_NODE).',
  },
  PKR_ERR_CLI_VERSION_MISMATCH: {
    summary: 'The release version differs from the version the plugin reports.',
    hint: 'Set the same version in `new PluginSet({ version })` and on `release --version`, rebuild, then release again.',
  },
  PKR_ERR_CLI_PLATFORM: {
    summary: 'The plugin cannot be released for the requested OS or architecture.',
    hint: 'An executable runs only on the platform of the Node.js binary it was made from, and launchers need a POSIX shell (no Windows): build on the target platform, or release a launcher build.',
  },
  PKR_ERR_CLI_ENTRY: {
    summary: 'The plugin entry did not hand a PluginSet to serve().',
    hint: 'The entry must call `serve(new PluginSet(...))` imported from packer-plugin-sdk (or packer-plugin-sdk/plugin) when it is loaded; the CLI reads the components from that call.',
  },
  PKR_ERR_CLI_NAME: {
    summary: 'The plugin name is missing or cannot be used in file names.',
    hint: 'Pass `--name NAME` (letters, digits and dashes), give the PluginSet a `name`, or name the package `packer-plugin-NAME`.',
  },
  PKR_ERR_CLI_INIT_TARGET: {
    summary: 'The directory to scaffold into already has files.',
    hint: 'Choose a new or empty directory: init never overwrites anything.',
  },
  PKR_ERR_ACC_PACKER: {
    summary: 'packer could not be run for an acceptance test, or did not finish in time.',
    hint: 'Check that `packer` is on PATH (or pass `packer` in the options) and raise `timeoutMs` for slow builds; the message has its output so far.',
  },
  PKR_ERR_ACC_CHECK: {
    summary: 'An acceptance test case failed.',
    hint: 'The message names the work directory kept for inspection: it holds the template and packer.log (PACKER_LOG=1 output, including what the plugin wrote to stderr).',
  },
  // --- observability (plugin logger, build-control service, step graph and watch commands) ---
  PKR_ERR_CONTROL_ADDRESS: {
    summary: 'PACKER_SDK_CONTROL does not name a usable address for the build-control service.',
    hint: 'Use an absolute unix socket path, or tcp:127.0.0.1:PORT; any other host also needs PACKER_SDK_CONTROL_TOKEN. The service was not started; the build runs without it.',
  },
  PKR_ERR_CONTROL_LISTEN: {
    summary: 'The build-control service could not listen on its address.',
    hint: 'For a socket path: its directory must exist and be writable, and no other build may be serving there (one socket per plugin process). For TCP: the port must be free.',
  },
  PKR_ERR_CONTROL_UNAUTHENTICATED: {
    summary: 'A build-control call did not carry the token the plugin was started with.',
    hint: 'Send `authorization: Bearer <PACKER_SDK_CONTROL_TOKEN>` metadata with every call (the watch command reads the variable itself).',
  },
  PKR_ERR_CONTROL_NO_BUILD: {
    summary: 'The build-control call needs a running build, and there is none.',
    hint: 'The build has not started yet (Packer is still preparing) or has already ended; Watch to see when it starts.',
  },
  PKR_ERR_CONTROL_NOT_PAUSED: {
    summary: 'Resume or StepOver was called while the build was not paused.',
    hint: 'Set a breakpoint (SetBreakpoints) and wait for the paused event before resuming.',
  },
  PKR_ERR_CONTROL_BREAKPOINT: {
    summary: 'A breakpoint does not name a step.',
    hint: "Give step names (matched at any depth) or '/'-joined paths such as chroot/provision; `#start` and `#error` are the only special entries.",
  },
  PKR_ERR_CONTROL_CONNECT: {
    summary: 'The build-control service could not be reached.',
    hint: 'Check the address (the PACKER_SDK_CONTROL value the plugin was started with) and that the build is still running: the socket goes away when the build ends.',
  },
  PKR_ERR_GRAPH_UNSUPPORTED: {
    summary: 'This builder cannot list its steps without running.',
    hint: 'Only builders made with defineBuilder expose their step graph; for others, call toMermaid/toDot on their step list in code.',
  },
  PKR_ERR_GRAPH_PLUGIN: {
    summary: 'The plugin could not be started to read its step graph.',
    hint: "Pass a plugin entry (.ts), a bundle (.js) or a built executable, and a builder name it registers; the message has the plugin's own error output.",
  },
} as const satisfies Record<string, { summary: string; hint: string }>;

export type ErrorCode = keyof typeof errorCodes;

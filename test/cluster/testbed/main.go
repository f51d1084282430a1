// Command testbed runs a throwaway two-cluster Kubernetes control plane on
// loopback for kubectl-configsync's integration tests: one embedded etcd,
// two kube-apiservers ("alpha" and "beta", separate etcd prefixes) and one
// kube-controller-manager per cluster. There is no scheduler or kubelet, so
// pods are created but never run; the tests only need the API objects.
//
// A single binary holds every component and re-executes itself, one component
// per process (`testbed etcd|kube-apiserver|kube-controller-manager ...`).
// The processes are detached (own session), so the control plane outlives the
// `testbed up` call and the test runner that made it; `testbed down` ends it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // as in the upstream mains
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // as in the upstream mains
	_ "k8s.io/component-base/metrics/prometheus/version"  // as in the upstream mains
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

// clusterNames are the API servers `up` creates; the first one also gets the
// restricted viewer user.
var clusterNames = []string{"alpha", "beta"}

// controllers is what the tests need from kube-controller-manager: workload
// controllers (so a Deployment gets its ReplicaSet and Pods), namespace
// deletion, garbage collection, default ServiceAccounts and kube-root-ca.crt.
var controllers = strings.Join([]string{
	"deployment-controller", "replicaset-controller", "statefulset-controller",
	"daemonset-controller", "job-controller", "cronjob-controller",
	"namespace-controller", "garbage-collector-controller",
	"serviceaccount-controller", "serviceaccount-token-controller",
	"clusterrole-aggregation-controller", "root-ca-certificate-publisher-controller",
}, ",")

// State is persisted as <state>/state.json; the Node harness reads it too.
type State struct {
	StateDir   string              `json:"stateDir"`
	Kubeconfig string              `json:"kubeconfig"`
	CAFile     string              `json:"caFile"`
	Etcd       EtcdState           `json:"etcd"`
	Clusters   map[string]*Cluster `json:"clusters"`
}

type EtcdState struct {
	URL     string `json:"url"`
	PeerURL string `json:"peerUrl"`
	Proc
}

type Cluster struct {
	Server            string `json:"server"`
	Port              int    `json:"port"`
	EtcdPrefix        string `json:"etcdPrefix"`
	AuditLog          string `json:"auditLog"`
	APIServer         Proc   `json:"apiserver"`
	ControllerManager Proc   `json:"controllerManager"`
}

type Proc struct {
	PID int    `json:"pid"`
	Log string `json:"log"`
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	sub, args := os.Args[1], os.Args[2:]
	var err error
	switch sub {
	case "kube-apiserver":
		c := apiserver.NewAPIServerCommand()
		c.SetArgs(args)
		os.Exit(cli.Run(c))
	case "kube-controller-manager":
		c := controllermanager.NewControllerManagerCommand()
		c.SetArgs(args)
		os.Exit(cli.Run(c))
	case "etcd":
		err = runEtcd(args)
	case "up":
		err = withState(sub, args, up)
	case "down":
		err = withState(sub, args, func(dir, _ string) error { return down(dir) })
	case "stop-apiserver":
		err = withState(sub, args, stopAPIServer)
	case "start-apiserver":
		err = withState(sub, args, startAPIServer)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "testbed %s: %v\n", sub, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  testbed up --state DIR                           start (or repair) the control plane; prints the kubeconfig path
  testbed down --state DIR                         stop everything and delete DIR
  testbed stop-apiserver --state DIR --cluster C   stop one API server (fault tests)
  testbed start-apiserver --state DIR --cluster C  restart it on the same port
  testbed etcd|kube-apiserver|kube-controller-manager ...   (internal, one component per process)`)
	os.Exit(2)
}

// withState parses --state/--cluster and serialises every state-changing
// command with an flock on DIR.lock: node:test runs test files in parallel
// processes, and each may call `up` at the same moment.
func withState(sub string, args []string, fn func(dir, cluster string) error) error {
	fs := flag.NewFlagSet(sub, flag.ExitOnError)
	dir := fs.String("state", "", "state directory")
	cluster := fs.String("cluster", "", "cluster name (stop-apiserver/start-apiserver)")
	_ = fs.Parse(args)
	if *dir == "" {
		return errors.New("--state is required")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(abs+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	return fn(abs, *cluster)
}

// runEtcd is the etcd component: loopback only, fsync off (the data is
// disposable and fsync dominates apiserver write latency on slow disks).
func runEtcd(args []string) error {
	fs := flag.NewFlagSet("etcd", flag.ExitOnError)
	dataDir := fs.String("data-dir", "", "")
	client := fs.String("listen-client", "", "")
	peer := fs.String("listen-peer", "", "")
	_ = fs.Parse(args)
	cu, err := url.Parse(*client)
	if err != nil {
		return err
	}
	pu, err := url.Parse(*peer)
	if err != nil {
		return err
	}
	cfg := embed.NewConfig()
	cfg.Name = "testbed"
	cfg.Dir = *dataDir
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*cu}, []url.URL{*cu}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*pu}, []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "warn"
	cfg.LogOutputs = []string{"stderr"}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		return errors.New("etcd did not become ready in 60s")
	}
	fmt.Fprintln(os.Stderr, "etcd ready on", cu.String())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-e.Err():
		return err
	case <-sig:
		return nil
	}
}

// up is idempotent: with everything alive and ready it only prints the
// kubeconfig path; otherwise it (re)starts whatever is missing, reusing the
// PKI, ports and etcd data of an existing state dir.
func up(dir, _ string) error {
	start := time.Now()
	st, err := loadState(dir)
	if err != nil {
		if _, statErr := os.Stat(dir); statErr == nil {
			logf("state in %s unusable (%v); recreating", dir, err)
			if err := down(dir); err != nil {
				return err
			}
		}
		if st, err = initState(dir); err != nil {
			return err
		}
	}
	if st.healthy() {
		fmt.Println(st.Kubeconfig)
		return nil
	}

	if !alive(st.Etcd.PID, dir) {
		cu, _ := url.Parse(st.Etcd.URL)
		logf("starting etcd on %s", cu.Host)
		if st.Etcd.PID, err = spawn(dir, st.Etcd.Log, "etcd",
			"--data-dir", filepath.Join(dir, "etcd"), "--listen-client", st.Etcd.URL, "--listen-peer", st.Etcd.PeerURL); err != nil {
			return err
		}
		if err := st.save(); err != nil {
			return err
		}
	}
	if err := waitFor("etcd", st.Etcd.Proc, dir, 60*time.Second, func() error {
		return httpOK(http.DefaultClient, st.Etcd.URL+"/health")
	}); err != nil {
		return err
	}

	for _, name := range clusterNames {
		if err := st.spawnAPIServer(name); err != nil {
			return err
		}
	}
	if err := st.save(); err != nil {
		return err
	}
	admin, err := newClients(st)
	if err != nil {
		return err
	}
	for _, name := range clusterNames {
		c := st.Clusters[name]
		if err := waitFor(name+" kube-apiserver", c.APIServer, dir, 120*time.Second, func() error {
			return httpOK(admin.http, c.Server+"/readyz")
		}); err != nil {
			return err
		}
	}
	logf("API servers ready after %s", time.Since(start).Round(time.Millisecond))

	for _, name := range clusterNames {
		c := st.Clusters[name]
		if alive(c.ControllerManager.PID, dir) {
			continue
		}
		logf("starting %s kube-controller-manager", name)
		cm := filepath.Join(dir, name)
		if c.ControllerManager.PID, err = spawn(dir, c.ControllerManager.Log, "kube-controller-manager",
			"--kubeconfig="+filepath.Join(cm, "controller-manager.kubeconfig"),
			"--secure-port=0", // nothing scrapes it, and two would clash on 10257
			"--leader-elect=false",
			"--controllers="+controllers,
			"--cluster-name="+name,
			"--root-ca-file="+st.CAFile,
			"--service-account-private-key-file="+filepath.Join(dir, "pki", "sa.key"),
			// One identity per controller, as in real clusters; it also makes each
			// controller's traffic recognisable in the audit log.
			"--use-service-account-credentials=true",
		); err != nil {
			return err
		}
	}
	if err := st.save(); err != nil {
		return err
	}

	if err := admin.ensureViewerRBAC(clusterNames[0]); err != nil {
		return fmt.Errorf("viewer RBAC: %w", err)
	}
	// kube-root-ca.crt in "default" is the sign that the controller manager is
	// up and acting, so tests can rely on controllers from the first request.
	for _, name := range clusterNames {
		c := st.Clusters[name]
		if err := waitFor(name+" kube-controller-manager", c.ControllerManager, dir, 120*time.Second, func() error {
			return admin.rootCAPublished(name)
		}); err != nil {
			return err
		}
	}
	logf("control plane ready after %s", time.Since(start).Round(time.Millisecond))
	fmt.Println(st.Kubeconfig)
	return nil
}

func (st *State) spawnAPIServer(name string) error {
	c := st.Clusters[name]
	if alive(c.APIServer.PID, st.StateDir) {
		return nil
	}
	logf("starting %s kube-apiserver on %s", name, c.Server)
	pki := filepath.Join(st.StateDir, "pki")
	pid, err := spawn(st.StateDir, c.APIServer.Log, "kube-apiserver",
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		// Endpoints may not hold loopback addresses; nothing in-cluster dials
		// the kubernetes Service here anyway.
		"--endpoint-reconciler-type=none",
		"--secure-port="+strconv.Itoa(c.Port),
		"--etcd-servers="+st.Etcd.URL,
		"--etcd-prefix="+c.EtcdPrefix,
		"--authorization-mode=RBAC",
		"--client-ca-file="+st.CAFile,
		"--tls-cert-file="+filepath.Join(pki, "apiserver.crt"),
		"--tls-private-key-file="+filepath.Join(pki, "apiserver.key"),
		"--service-account-issuer=https://"+name+".testbed.invalid",
		"--service-account-key-file="+filepath.Join(pki, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(pki, "sa.key"),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--audit-policy-file="+filepath.Join(st.StateDir, "audit-policy.yaml"),
		"--audit-log-path="+c.AuditLog,
		// blocking: the entry is written before the response completes, so a
		// test can read the log right after its CLI call returns.
		"--audit-log-mode=blocking",
		"--audit-log-maxsize=0", // never rotate: tests read one file
		"--profiling=false",
		"--cert-dir="+filepath.Join(st.StateDir, name),
	)
	if err != nil {
		return err
	}
	c.APIServer.PID = pid
	return nil
}

func stopAPIServer(dir, name string) error {
	st, err := loadState(dir)
	if err != nil {
		return err
	}
	c, ok := st.Clusters[name]
	if !ok {
		return fmt.Errorf("unknown cluster %q", name)
	}
	// Its controller manager keeps watches open, which a graceful API server
	// shutdown waits for; tests only need it gone, so allow it 2 s.
	terminate(dir, []int{c.APIServer.PID}, 2*time.Second)
	c.APIServer.PID = 0
	return st.save()
}

func startAPIServer(dir, name string) error {
	st, err := loadState(dir)
	if err != nil {
		return err
	}
	c, ok := st.Clusters[name]
	if !ok {
		return fmt.Errorf("unknown cluster %q", name)
	}
	if err := st.spawnAPIServer(name); err != nil {
		return err
	}
	if err := st.save(); err != nil {
		return err
	}
	admin, err := newClients(st)
	if err != nil {
		return err
	}
	if err := waitFor(name+" kube-apiserver", c.APIServer, dir, 120*time.Second, func() error {
		return httpOK(admin.http, c.Server+"/readyz")
	}); err != nil {
		return err
	}
	fmt.Println(c.Server)
	return nil
}

// down stops every process of this state dir and deletes it. It finds them
// by scanning /proc for our components naming the state dir rather than
// trusting state.json, which an interrupted `up` may not have written.
func down(dir string) error {
	// Controller managers first: an API server waits for their open watches
	// before it exits, so stopping clients first makes SIGTERM quick.
	for _, component := range []string{"kube-controller-manager", "kube-apiserver", "etcd"} {
		var mine []int
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if pid, err := strconv.Atoi(e.Name()); err == nil && componentOf(pid, dir) == component {
				mine = append(mine, pid)
			}
		}
		terminate(dir, mine, 3*time.Second) // the state is deleted next: no point waiting long
	}
	return os.RemoveAll(dir)
}

// terminate sends SIGTERM, then SIGKILL to whatever is left after grace.
func terminate(dir string, pids []int, grace time.Duration) {
	var live []int
	for _, pid := range pids {
		if alive(pid, dir) {
			_ = syscall.Kill(pid, syscall.SIGTERM)
			live = append(live, pid)
		}
	}
	deadline := time.Now().Add(grace)
	for len(live) > 0 {
		var still []int
		for _, pid := range live {
			if alive(pid, dir) {
				still = append(still, pid)
			}
		}
		live = still
		if len(live) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, pid := range live {
				logf("pid %d ignored SIGTERM, killing", pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			deadline = time.Now().Add(5 * time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// alive reports whether pid is one of our components for this state dir.
// Checking the command line (not just kill -0) keeps a recycled PID from
// being mistaken for ours, and treats zombies (empty cmdline) as dead.
func alive(pid int, dir string) bool {
	return componentOf(pid, dir) != ""
}

// componentOf names the component pid runs if it is ours for dir, else "".
func componentOf(pid int, dir string) string {
	if pid <= 0 {
		return ""
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return ""
	}
	args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
	if len(args) < 2 {
		return ""
	}
	switch args[1] {
	case "etcd", "kube-apiserver", "kube-controller-manager":
	default:
		return ""
	}
	for _, a := range args[2:] {
		if strings.Contains(a, dir+string(filepath.Separator)) {
			return args[1]
		}
	}
	return ""
}

// spawn starts this binary as a detached component (new session, so it
// survives the caller and its terminal) logging to logPath.
func spawn(dir, logPath string, args ...string) (int, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	_ = cmd.Process.Release()
	return pid, nil
}

// waitFor polls check until it succeeds, failing fast (with the log tail)
// if the process died.
func waitFor(what string, p Proc, dir string, timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if !alive(p.PID, dir) {
			return fmt.Errorf("%s exited; last lines of %s:\n%s", what, p.Log, tail(p.Log, 30))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %v; last lines of %s:\n%s", what, timeout, err, p.Log, tail(p.Log, 30))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func httpOK(client *http.Client, u string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return nil
}

func (st *State) healthy() bool {
	if _, err := os.Stat(st.Kubeconfig); err != nil || !alive(st.Etcd.PID, st.StateDir) {
		return false
	}
	admin, err := newClients(st)
	if err != nil {
		return false
	}
	for _, c := range st.Clusters {
		if !alive(c.APIServer.PID, st.StateDir) || !alive(c.ControllerManager.PID, st.StateDir) ||
			httpOK(admin.http, c.Server+"/readyz") != nil {
			return false
		}
	}
	return true
}

// initState lays out a fresh state dir: PKI, ports, audit policy, kubeconfigs.
func initState(dir string) (*State, error) {
	logf("initialising %s", dir)
	for _, d := range append([]string{"pki", "etcd"}, clusterNames...) {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	ports, err := freePorts(2 + len(clusterNames))
	if err != nil {
		return nil, err
	}
	st := &State{
		StateDir:   dir,
		Kubeconfig: filepath.Join(dir, "kubeconfig"),
		CAFile:     filepath.Join(dir, "pki", "ca.crt"),
		Etcd: EtcdState{
			URL:     fmt.Sprintf("http://127.0.0.1:%d", ports[0]),
			PeerURL: fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
			Proc:    Proc{Log: filepath.Join(dir, "etcd", "etcd.log")},
		},
		Clusters: map[string]*Cluster{},
	}
	for i, name := range clusterNames {
		cd := filepath.Join(dir, name)
		st.Clusters[name] = &Cluster{
			Server:            fmt.Sprintf("https://127.0.0.1:%d", ports[2+i]),
			Port:              ports[2+i],
			EtcdPrefix:        "/" + name,
			AuditLog:          filepath.Join(cd, "audit.log"),
			APIServer:         Proc{Log: filepath.Join(cd, "kube-apiserver.log")},
			ControllerManager: Proc{Log: filepath.Join(cd, "kube-controller-manager.log")},
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "audit-policy.yaml"), []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	if err := writePKIAndKubeconfigs(st); err != nil {
		return nil, err
	}
	return st, st.save()
}

// auditPolicy logs every request once, at Metadata level (no bodies), minus
// health probes and the control plane's own heartbeats and events. Tests
// count their CLI's requests by userAgent, so everything else stays.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
# One line per request: only the ResponseComplete stage (a watch is logged
# when it ends).
omitStages: ["RequestReceived", "ResponseStarted"]
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
  # apiserver identity leases and controller leases, renewed every few seconds
  - level: None
    users: ["system:apiserver", "system:kube-controller-manager"]
    resources: [{group: coordination.k8s.io, resources: ["leases"]}]
  # events recorded by the controllers (they run as kube-system service accounts)
  - level: None
    userGroups: ["system:serviceaccounts:kube-system"]
    resources: [{group: "", resources: ["events"]}, {group: events.k8s.io, resources: ["events"]}]
  - level: Metadata
`

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l) // held open until all are picked, so they differ
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func loadState(dir string) (*State, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return nil, err
	}
	st := &State{}
	if err := json.Unmarshal(raw, st); err != nil {
		return nil, err
	}
	if st.StateDir != dir || len(st.Clusters) != len(clusterNames) {
		return nil, errors.New("state.json does not match this state dir")
	}
	return st, nil
}

func (st *State) save() error {
	raw, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	p := filepath.Join(st.StateDir, "state.json")
	if err := os.WriteFile(p+".tmp", append(raw, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(p+".tmp", p)
}

func tail(path string, n int) string {
	raw, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "testbed: "+format+"\n", args...)
}

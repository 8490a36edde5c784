// composediff-ref: the reference loader of the loader differential test (tests/composediff/run).
// It loads a compose project exactly as `docker compose` builds its project options
// (docker/compose cmd/compose/compose.go, toProjectOptions, and pkg/compose/loader.go,
// LoadProject): the process environment, --env-file or .env, COMPOSE_FILE, the default file
// names with override discovery, COMPOSE_PROFILES, interpolation, normalisation and the
// consistency checks of compose-go. It prints the normalised model that
// tests/composediff/model_dump.cc prints for our loader, as one JSON document, or
// {"error": "..."} when compose refuses the project.
//
// Usage: composediff-ref [-f FILE]... [--env-file FILE]... [--profile NAME]... [-p NAME]
// (run in the directory `docker compose` would run in).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"io"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/go-units"
)

type object = map[string]any

// options are the `docker compose` flags that change what is loaded.
type options struct {
	files    []string
	envFiles []string
	profiles []string
	name     string
}

// rawEnv is the `format: raw` env file reader that docker compose registers
// (cmd/compose/compose.go, rawEnv, with docker/cli's kvfile parser): KEY=VALUE lines, no
// interpolation, no unquoting, the value kept as written; a bare KEY takes the variable.
func rawEnv(r io.Reader, filename string, vars map[string]string, lookup func(string) (string, bool)) error {
	scanner := bufio.NewScanner(r)
	for number := 1; scanner.Scan(); number++ {
		line := strings.TrimLeft(scanner.Text(), " \t\r\n\v\f")
		if number == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, hasValue := strings.Cut(line, "=")
		if key == "" {
			return fmt.Errorf("%s:%d: no variable name", filename, number)
		}
		if strings.ContainsAny(key, " \t") {
			return fmt.Errorf("%s:%d: variable '%s' contains whitespaces", filename, number, key)
		}
		if hasValue {
			vars[key] = value
		} else if v, ok := lookup(key); ok {
			vars[key] = v
		}
	}
	return scanner.Err()
}

func parseArgs(args []string) (options, error) {
	var o options
	for i := 0; i < len(args); i++ {
		flag := args[i]
		if i+1 >= len(args) {
			return o, fmt.Errorf("the flag %s needs a value", flag)
		}
		value := args[i+1]
		i++
		switch flag {
		case "-f", "--file":
			o.files = append(o.files, value)
		case "--env-file":
			o.envFiles = append(o.envFiles, value)
		case "--profile":
			o.profiles = append(o.profiles, value)
		case "-p", "--project-name":
			o.name = value
		default:
			return o, fmt.Errorf("unknown flag %s", flag)
		}
	}
	return o, nil
}

// load mirrors docker compose's buildProjectOptions and postProcessProject (with no service
// selection and without --all: unused top-level resources are dropped).
func load(o options) (*types.Project, error) {
	fns := []cli.ProjectOptionsFn{cli.WithWorkingDirectory(""), cli.WithOsEnv}
	if _, present := os.LookupEnv("PWD"); !present {
		if pwd, err := os.Getwd(); err == nil {
			fns = append(fns, cli.WithEnv([]string{"PWD=" + pwd}))
		}
	}
	fns = append(fns,
		cli.WithEnvFiles(o.envFiles...),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithEnvFiles(o.envFiles...),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(o.profiles...),
		cli.WithName(o.name),
	)
	po, err := cli.NewProjectOptions(o.files, fns...)
	if err != nil {
		return nil, err
	}
	project, err := po.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}
	if project.Name == "" {
		return nil, fmt.Errorf("project name can't be empty")
	}
	project, err = project.WithServicesEnabled()
	if err != nil {
		return nil, err
	}
	return project.WithoutUnnecessaryResources(), nil
}

// put sets key unless the value is empty: the model leaves out what was not said, on both sides.
func put(m object, key string, value any) {
	switch v := value.(type) {
	case string:
		if v == "" {
			return
		}
	case bool:
		if !v {
			return
		}
	case []string:
		if len(v) == 0 {
			return
		}
	case []any:
		if len(v) == 0 {
			return
		}
	case object:
		if len(v) == 0 {
			return
		}
	case map[string]string:
		if len(v) == 0 {
			return
		}
	case nil:
		return
	}
	m[key] = value
}

func millis(d *types.Duration) any {
	if d == nil {
		return nil
	}
	return time.Duration(*d).Milliseconds()
}

func milliCPUs(cpus float64) any {
	if cpus == 0 {
		return nil
	}
	return int64(math.Round(cpus * 1000))
}

func bytesOf(b types.UnitBytes) any {
	if b == 0 {
		return nil
	}
	return int64(b)
}

// relative turns compose-go's resolved absolute paths back into paths below the project
// directory, as our model keeps them.
func relative(workingDir, path string) string {
	path = filepath.Clean(path)
	if home := os.Getenv("HOME"); home != "" && strings.HasPrefix(path, home+"/") {
		return "~" + path[len(home):] // compose expands ~; our model keeps it (and refuses it later)
	}
	if rel, err := filepath.Rel(workingDir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

func sortedByJSON(items []any) []any {
	sort.Slice(items, func(i, j int) bool {
		a, _ := json.Marshal(items[i])
		b, _ := json.Marshal(items[j])
		return string(a) < string(b)
	})
	return items
}

func ports(s types.ServiceConfig) []any {
	var out []any
	for _, p := range s.Ports {
		port := object{"target": int64(p.Target), "protocol": p.Protocol}
		if p.Published != "" {
			if n, err := strconv.Atoi(p.Published); err == nil {
				port["published"] = int64(n)
			} else {
				port["published"] = p.Published
			}
		}
		put(port, "host_ip", p.HostIP)
		put(port, "name", p.Name)
		put(port, "app_protocol", p.AppProtocol)
		out = append(out, port)
	}
	return sortedByJSON(out)
}

// expose lists one "port/protocol" per port, ranges expanded.
func expose(s types.ServiceConfig) []any {
	var out []any
	for _, e := range s.Expose {
		spec, protocol, found := strings.Cut(e, "/")
		if !found {
			protocol = "tcp"
		}
		low, high, isRange := strings.Cut(spec, "-")
		first, err1 := strconv.Atoi(low)
		last := first
		var err2 error
		if isRange {
			last, err2 = strconv.Atoi(high)
		}
		if err1 != nil || err2 != nil {
			out = append(out, e)
			continue
		}
		for p := first; p <= last; p++ {
			out = append(out, fmt.Sprintf("%d/%s", p, protocol))
		}
	}
	return sortedByJSON(out)
}

func volumes(p *types.Project, s types.ServiceConfig) []any {
	var out []any
	for _, v := range s.Volumes {
		volume := object{"type": v.Type, "target": v.Target}
		source := v.Source
		if v.Type == types.VolumeTypeBind {
			source = relative(p.WorkingDir, source)
		}
		put(volume, "source", source)
		put(volume, "read_only", v.ReadOnly)
		if v.Tmpfs != nil {
			put(volume, "size", bytesOf(v.Tmpfs.Size))
		}
		if v.Volume != nil {
			put(volume, "subpath", v.Volume.Subpath)
		}
		out = append(out, volume)
	}
	// The short `tmpfs:` field: "path[:options]", a size option in bytes.
	for _, t := range s.Tmpfs {
		target, opts, _ := strings.Cut(t, ":")
		volume := object{"type": "tmpfs", "target": target}
		for _, opt := range strings.Split(opts, ",") {
			if size, ok := strings.CutPrefix(opt, "size="); ok {
				if n, err := units.RAMInBytes(size); err == nil {
					volume["size"] = n
				} else {
					volume["size"] = size
				}
			}
		}
		out = append(out, volume)
	}
	return sortedByJSON(out)
}

// fileReferences applies compose's default targets: /run/secrets/<source> for secrets (a
// relative target lands there too), /<source> for configs.
func fileReferences(refs []types.FileReferenceConfig, secrets bool) []any {
	var out []any
	for _, r := range refs {
		target := r.Target
		switch {
		case target == "" && secrets:
			target = "/run/secrets/" + r.Source
		case target == "":
			target = "/" + r.Source
		case secrets && !strings.HasPrefix(target, "/"):
			target = "/run/secrets/" + target
		}
		ref := object{"source": r.Source, "target": target}
		if r.Mode != nil {
			ref["mode"] = int64(*r.Mode)
		}
		out = append(out, ref)
	}
	return sortedByJSON(out)
}

func healthcheck(h *types.HealthCheckConfig) any {
	if h == nil {
		return nil
	}
	out := object{}
	if h.Disable || (len(h.Test) > 0 && h.Test[0] == "NONE") {
		out["disable"] = true
		return out
	}
	// A zero duration or retry count means the engine's default: the same as not set.
	nonZero := func(d *types.Duration) any {
		if d == nil || *d == 0 {
			return nil
		}
		return millis(d)
	}
	test := []string(h.Test)
	if len(test) > 0 && test[0] == "CMD-SHELL" && len(test) > 2 {
		test = []string{"CMD-SHELL", strings.Join(test[1:], " ")}
	}
	put(out, "test", test)
	put(out, "interval_ms", nonZero(h.Interval))
	put(out, "timeout_ms", nonZero(h.Timeout))
	if h.Retries != nil && *h.Retries != 0 {
		out["retries"] = int64(*h.Retries)
	}
	put(out, "start_period_ms", nonZero(h.StartPeriod))
	put(out, "start_interval_ms", nonZero(h.StartInterval))
	return out
}

func resources(r *types.Resource) any {
	if r == nil {
		return nil
	}
	out := object{}
	put(out, "cpus_milli", milliCPUs(float64(r.NanoCPUs.Value())))
	put(out, "memory", bytesOf(r.MemoryBytes))
	return out
}

func deploy(d *types.DeployConfig) any {
	if d == nil {
		return nil
	}
	out := object{}
	put(out, "mode", d.Mode)
	if d.Replicas != nil {
		out["replicas"] = int64(*d.Replicas)
	}
	put(out, "limits", resources(d.Resources.Limits))
	put(out, "reservations", resources(d.Resources.Reservations))
	if rp := d.RestartPolicy; rp != nil {
		policy := object{}
		put(policy, "condition", rp.Condition)
		if rp.MaxAttempts != nil {
			policy["max_attempts"] = int64(*rp.MaxAttempts)
		}
		put(out, "restart_policy", policy)
	}
	if uc := d.UpdateConfig; uc != nil {
		update := object{}
		if uc.Parallelism != nil {
			update["parallelism"] = int64(*uc.Parallelism)
		}
		put(update, "order", uc.Order)
		put(out, "update_config", update)
	}
	put(out, "constraints", []string(d.Placement.Constraints))
	put(out, "labels", map[string]string(d.Labels))
	return out
}

func service(p *types.Project, s types.ServiceConfig) object {
	out := object{}
	put(out, "image", s.Image)
	put(out, "build", s.Build != nil)
	if s.Command != nil {
		out["command"] = []string(s.Command)
	}
	if s.Entrypoint != nil {
		out["entrypoint"] = []string(s.Entrypoint)
	}
	env := map[string]string{}
	for k, v := range s.Environment {
		if v != nil { // an unresolved key-only entry sets nothing in the container
			env[k] = *v
		}
	}
	put(out, "environment", env)
	put(out, "ports", ports(s))
	put(out, "expose", expose(s))
	put(out, "volumes", volumes(p, s))
	var secrets, configs []types.FileReferenceConfig
	for _, r := range s.Secrets {
		secrets = append(secrets, types.FileReferenceConfig(r))
	}
	for _, r := range s.Configs {
		configs = append(configs, types.FileReferenceConfig(r))
	}
	put(out, "secrets", fileReferences(secrets, true))
	put(out, "configs", fileReferences(configs, false))
	deps := object{}
	for name, d := range s.DependsOn {
		deps[name] = object{"condition": d.Condition, "required": d.Required, "restart": d.Restart}
	}
	put(out, "depends_on", deps)
	put(out, "healthcheck", healthcheck(s.HealthCheck))
	put(out, "deploy", deploy(s.Deploy))
	put(out, "labels", map[string]string(s.Labels))
	put(out, "annotations", map[string]string(s.Annotations))
	networks := object{}
	for name, n := range s.Networks {
		attachment := object{}
		if n != nil {
			aliases := append([]string(nil), n.Aliases...)
			sort.Strings(aliases)
			put(attachment, "aliases", aliases)
		}
		networks[name] = attachment
	}
	put(out, "networks", networks)
	put(out, "profiles", s.Profiles)
	var links []string
	for _, l := range s.Links {
		name, alias, found := strings.Cut(l, ":")
		if !found {
			alias = name
		}
		links = append(links, name+":"+alias)
	}
	sort.Strings(links)
	put(out, "links", links)
	hosts := object{}
	for host, ips := range s.ExtraHosts {
		hosts[host] = append([]string(nil), ips...)
	}
	put(out, "extra_hosts", hosts)
	capAdd := append([]string(nil), s.CapAdd...)
	capDrop := append([]string(nil), s.CapDrop...)
	sort.Strings(capAdd)
	sort.Strings(capDrop)
	put(out, "cap_add", capAdd)
	put(out, "cap_drop", capDrop)
	put(out, "security_opt", s.SecurityOpt)
	put(out, "group_add", s.GroupAdd)
	put(out, "sysctls", map[string]string(s.Sysctls))
	for key, value := range map[string]string{
		"user": s.User, "working_dir": s.WorkingDir, "hostname": s.Hostname, "restart": s.Restart,
		"platform": s.Platform, "pull_policy": s.PullPolicy, "network_mode": s.NetworkMode,
		"pid": s.Pid, "ipc": s.Ipc, "uts": s.Uts, "userns_mode": s.UserNSMode, "cgroup": s.Cgroup,
	} {
		put(out, key, value)
	}
	put(out, "shm_size", bytesOf(s.ShmSize))
	put(out, "mem_limit", bytesOf(s.MemLimit))
	put(out, "mem_reservation", bytesOf(s.MemReservation))
	put(out, "cpus_milli", milliCPUs(float64(s.CPUS)))
	put(out, "read_only", s.ReadOnly)
	put(out, "privileged", s.Privileged)
	put(out, "tty", s.Tty)
	put(out, "stdin_open", s.StdinOpen)
	put(out, "stop_grace_period_ms", millis(s.StopGracePeriod))
	if s.Scale != nil {
		out["scale"] = int64(*s.Scale)
	}
	return out
}

func fileObject(p *types.Project, f types.FileObjectConfig) object {
	out := object{}
	switch {
	case bool(f.External):
		out["external"] = true
		put(out, "name", f.Name)
	case f.File != "":
		out["file"] = relative(p.WorkingDir, f.File)
	case f.Environment != "":
		out["environment"] = f.Environment
	case f.Content != "":
		out["content"] = f.Content
	}
	return out
}

func model(p *types.Project) object {
	services := object{}
	for name, s := range p.Services {
		services[name] = service(p, s)
	}
	networks := object{}
	for name, n := range p.Networks {
		network := object{}
		put(network, "internal", n.Internal)
		if bool(n.External) {
			network["external"] = true
			put(network, "name", n.Name)
		}
		networks[name] = network
	}
	vols := object{}
	for name, v := range p.Volumes {
		volume := object{}
		if bool(v.External) {
			volume["external"] = true
			put(volume, "name", v.Name)
		}
		put(volume, "labels", map[string]string(v.Labels))
		vols[name] = volume
	}
	secrets := object{}
	for name, s := range p.Secrets {
		secrets[name] = fileObject(p, types.FileObjectConfig(s))
	}
	configs := object{}
	for name, c := range p.Configs {
		configs[name] = fileObject(p, types.FileObjectConfig(c))
	}
	out := object{"name": p.Name}
	put(out, "services", services)
	put(out, "networks", networks)
	put(out, "volumes", vols)
	put(out, "secrets", secrets)
	put(out, "configs", configs)
	return out
}

func main() {
	dotenv.RegisterFormat("raw", rawEnv)
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", " ")
	o, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "composediff-ref:", err)
		os.Exit(2)
	}
	project, err := load(o)
	if err != nil {
		_ = encoder.Encode(object{"error": err.Error()})
		return
	}
	_ = encoder.Encode(model(project))
}

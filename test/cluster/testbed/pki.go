package main

// Certificates, kubeconfigs and the few API calls `up` makes itself.

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const (
	adminUser  = "configsync-admin" // in system:masters, so cluster-admin everywhere
	viewerUser = "configsync-viewer"
	viewerRole = "configsync-viewer"
)

type keyPair struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
	keyPEM  []byte
}

// writePKIAndKubeconfigs creates one CA for everything (both API servers
// trust it for client certs and present serving certs signed by it), the
// service-account key, the client certs, and the kubeconfigs.
func writePKIAndKubeconfigs(st *State) error {
	pki := filepath.Join(st.StateDir, "pki")
	ca, err := newKeyPair(pkix.Name{CommonName: "configsync-testbed-ca"}, nil, func(t *x509.Certificate) {
		t.IsCA, t.BasicConstraintsValid = true, true
		t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	})
	if err != nil {
		return err
	}
	serving, err := newKeyPair(pkix.Name{CommonName: "kube-apiserver"}, ca, func(t *x509.Certificate) {
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		t.DNSNames = []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}
		t.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback, net.IPv4(10, 0, 0, 1)}
	})
	if err != nil {
		return err
	}
	client := func(cn string, orgs ...string) (*keyPair, error) {
		return newKeyPair(pkix.Name{CommonName: cn, Organization: orgs}, ca, func(t *x509.Certificate) {
			t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		})
	}
	admin, err := client(adminUser, "system:masters")
	if err != nil {
		return err
	}
	viewer, err := client(viewerUser)
	if err != nil {
		return err
	}
	kcm, err := client("system:kube-controller-manager")
	if err != nil {
		return err
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	saPriv, err := x509.MarshalPKCS8PrivateKey(saKey)
	if err != nil {
		return err
	}
	saPub, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"ca.crt": ca.certPEM, "ca.key": ca.keyPEM,
		"apiserver.crt": serving.certPEM, "apiserver.key": serving.keyPEM,
		"sa.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: saPriv}),
		"sa.pub": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPub}),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(pki, name), data, 0o600); err != nil {
			return err
		}
	}

	// The tests' kubeconfig: self-contained (embedded data), no namespaces.
	cfg := clientcmdapi.NewConfig()
	for _, name := range clusterNames {
		cfg.Clusters[name] = &clientcmdapi.Cluster{Server: st.Clusters[name].Server, CertificateAuthorityData: ca.certPEM}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: adminUser}
	}
	cfg.AuthInfos[adminUser] = &clientcmdapi.AuthInfo{ClientCertificateData: admin.certPEM, ClientKeyData: admin.keyPEM}
	cfg.AuthInfos[viewerUser] = &clientcmdapi.AuthInfo{ClientCertificateData: viewer.certPEM, ClientKeyData: viewer.keyPEM}
	cfg.Contexts[clusterNames[0]+"-viewer"] = &clientcmdapi.Context{Cluster: clusterNames[0], AuthInfo: viewerUser}
	cfg.CurrentContext = clusterNames[0]
	if err := writeKubeconfig(cfg, st.Kubeconfig); err != nil {
		return err
	}

	for _, name := range clusterNames {
		k := clientcmdapi.NewConfig()
		k.Clusters[name] = &clientcmdapi.Cluster{Server: st.Clusters[name].Server, CertificateAuthorityData: ca.certPEM}
		k.AuthInfos["kcm"] = &clientcmdapi.AuthInfo{ClientCertificateData: kcm.certPEM, ClientKeyData: kcm.keyPEM}
		k.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: "kcm"}
		k.CurrentContext = name
		if err := writeKubeconfig(k, filepath.Join(st.StateDir, name, "controller-manager.kubeconfig")); err != nil {
			return err
		}
	}
	return nil
}

func writeKubeconfig(cfg *clientcmdapi.Config, path string) error {
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// newKeyPair makes an ECDSA P-256 key and a certificate signed by parent
// (self-signed when parent is nil), valid for ten years.
func newKeyPair(subject pkix.Name, parent *keyPair, tweak func(*x509.Certificate)) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	tweak(tmpl)
	signerCert, signerKey := tmpl, crypto.Signer(key)
	if parent != nil {
		signerCert, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, key.Public(), signerKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &keyPair{
		cert: cert, key: key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// clients talks to the API servers as the admin user of the kubeconfig.
type clients struct {
	http *http.Client
	sets map[string]*kubernetes.Clientset
}

func newClients(st *State) (*clients, error) {
	cfg, err := clientcmd.LoadFromFile(st.Kubeconfig)
	if err != nil {
		return nil, err
	}
	c := &clients{sets: map[string]*kubernetes.Clientset{}}
	for _, name := range clusterNames {
		rc, err := clientcmd.NewNonInteractiveClientConfig(*cfg, name, &clientcmd.ConfigOverrides{}, nil).ClientConfig()
		if err != nil {
			return nil, err
		}
		rc.UserAgent = "configsync-testbed"
		if c.sets[name], err = kubernetes.NewForConfig(rc); err != nil {
			return nil, err
		}
		if c.http == nil {
			tlsCfg, err := rest.TLSConfigFor(rc)
			if err != nil {
				return nil, err
			}
			c.http = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsCfg.Clone()}}
		}
	}
	return c, nil
}

// ensureViewerRBAC grants the viewer user read access to what
// kubectl-configsync reads, and nothing else (so writes are Forbidden).
func (c *clients) ensureViewerRBAC(cluster string) error {
	ctx := context.Background()
	read := []string{"get", "list", "watch"}
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: viewerRole},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"namespaces", "configmaps", "secrets"}, Verbs: read},
			{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "daemonsets", "replicasets"}, Verbs: read},
		},
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: viewerRole},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: viewerRole},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: viewerUser}},
	}
	rbac := c.sets[cluster].RbacV1()
	if _, err := rbac.ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); apierrors.IsAlreadyExists(err) {
		_, err = rbac.ClusterRoles().Update(ctx, role, metav1.UpdateOptions{})
		if err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if _, err := rbac.ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

func (c *clients) rootCAPublished(cluster string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.sets[cluster].CoreV1().ConfigMaps(metav1.NamespaceDefault).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
	return err
}

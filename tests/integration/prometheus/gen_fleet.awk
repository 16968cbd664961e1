# gen_fleet.awk — a multi-cluster fleet's kube-state-metrics + cAdvisor
# history as OpenMetrics, for `promtool tsdb create-blocks-from openmetrics`.
#
#   awk -v mode=test  -v t0=UNIX -v hours=48 -f gen_fleet.awk > fleet.om
#   awk -v mode=bench -v t0=UNIX -v hours=720 -v pods=2000 -v interval=600 -f gen_fleet.awk
#   awk -v mode=explode -v t0=UNIX -v series=200000 -f gen_fleet.awk   (one namespace, many containers)
#
# Samples run from t0-1h (so rate() has history at the window's start) to
# t0+hours·3600, every `interval` seconds (60 by default).  The test fleet
# is small enough to check by hand (run.sh has the arithmetic):
#   aws-prod (KSM v2): nodes aws-node-1 (on-demand), aws-node-2 (SPOT), 4 cores 16 GiB
#     web/web-0, web/web-1  app: req 0.5 core 1 GiB, use 0.25 core 0.5 GiB, all window;
#                           Deployment web via ReplicaSet web-5d8f; web-0 mounts data-web-0 (PV pv-web-0, 10 GiB);
#                           Service web type LoadBalancer, endpoints = both pods' IPs
#     batch/job-1  worker: req 1 core 2 GiB, runs (t0+10h, t0+14h]; CPU use 0.5 core, 2 cores in (t0+12h, t0+13h];
#                  memory use 1 GiB; Job owner; pod object from t0+10h to t0+16h (running=0 outside)
#   gcp-prod (KSM v2): gke-node-1 8 cores 32 GiB spot (gke-spot label)
#     api/api-0    srv: req 2 cores 4 GiB, all window, NO cAdvisor series (usage unknown ⇒ request)
#     web-0's traffic (cAdvisor counters, interface eth0): 1000 B/s received, 500 B/s sent, all range;
#     its claim data-web-0 as the kubelet reports it: 2 GiB used until t0+24h, then 3 GiB, but 4 GiB in the
#     one sample at t0+30h; capacity 10 GiB
#   onprem (KSM v1 names): metal-1 16 cores 64 GiB 2 GPUs, no providerID
#     ml/train-0   gpu: req 4 cores 8 GiB 1 GPU, use 6 cores 8 GiB, all window; StatefulSet train
function lbl(s) { return "{" s "}" }
function addnode(cl, name, cpu, mem, gpu, v1, pid, labels) {
  nn++; NCL[nn]=cl; NNAME[nn]=name; NCPU[nn]=cpu; NMEM[nn]=mem; NGPU[nn]=gpu; NV1[nn]=v1; NPID[nn]=pid; NLAB[nn]=labels
}
function addpod(cl, ns, pod, ctr, node, v1, creq, mreq, greq, obj0, obj1, run0, run1, cuse, muse, okind, oname, ip) {
  np++; PCL[np]=cl; PNS[np]=ns; PPOD[np]=pod; PCTR[np]=ctr; PNODE[np]=node; PV1[np]=v1; PCREQ[np]=creq; PMREQ[np]=mreq
  PGREQ[np]=greq; POBJ0[np]=obj0; POBJ1[np]=obj1; PRUN0[np]=run0; PRUN1[np]=run1; PCUSE[np]=cuse; PMUSE[np]=muse
  POK[np]=okind; PON[np]=oname; PIP[np]=ip; PCADV[np]=(cuse >= 0)
}
# CPU use rate of pod i at time t (cores); the batch job bursts to 2 cores in (t0+12h, t0+13h]
function cpu_rate(i, t) {
  if (PPOD[i] == "job-1" && t > t0 + 12*3600 && t <= t0 + 13*3600) return 2
  return PCUSE[i]
}
function base(i) { return "cluster=\"" PCL[i] "\",namespace=\"" PNS[i] "\",pod=\"" PPOD[i] "\"" }
function cbase(i) { return base(i) ",container=\"" PCTR[i] "\"" }
BEGIN {
  if (!interval) interval = 60
  if (!hours) hours = 48
  # metadata (labels, owners, info, node prices) changes rarely; the bench
  # writes it hourly to keep the file small (last_over_time still finds it)
  mi = mode == "bench" ? 3600 : interval
  G = 1073741824
  d0 = t0 - 3600; d1 = t0 + hours * 3600
  if (mode == "test") {
    addnode("aws-prod", "aws-node-1", 4, 16*G, 0, 0, "aws:///us-east-1a/i-0001",
      "label_node_kubernetes_io_instance_type=\"m5.xlarge\",label_topology_kubernetes_io_region=\"us-east-1\",label_topology_kubernetes_io_zone=\"us-east-1a\",label_eks_amazonaws_com_capacity_type=\"ON_DEMAND\",label_eks_amazonaws_com_nodegroup=\"general\"")
    addnode("aws-prod", "aws-node-2", 4, 16*G, 0, 0, "aws:///us-east-1b/i-0002",
      "label_node_kubernetes_io_instance_type=\"m5.xlarge\",label_topology_kubernetes_io_region=\"us-east-1\",label_topology_kubernetes_io_zone=\"us-east-1b\",label_eks_amazonaws_com_capacity_type=\"SPOT\",label_eks_amazonaws_com_nodegroup=\"spot\"")
    addnode("gcp-prod", "gke-node-1", 8, 32*G, 0, 0, "gce://proj/europe-west1-b/gke-node-1",
      "label_beta_kubernetes_io_instance_type=\"n2-standard-8\",label_failure_domain_beta_kubernetes_io_zone=\"europe-west1-b\",label_cloud_google_com_gke_spot=\"true\",label_cloud_google_com_gke_nodepool=\"pool-1\"")
    addnode("onprem", "metal-1", 16, 64*G, 2, 1, "", "label_kubernetes_io_arch=\"amd64\"")
    addpod("aws-prod", "web", "web-0", "app", "aws-node-1", 0, 0.5, G, 0, d0, d1, d0, d1, 0.25, G/2, "ReplicaSet", "web-5d8f", "10.0.0.10")
    addpod("aws-prod", "web", "web-1", "app", "aws-node-2", 0, 0.5, G, 0, d0, d1, d0, d1, 0.25, G/2, "ReplicaSet", "web-5d8f", "10.0.0.11")
    addpod("aws-prod", "batch", "job-1", "worker", "aws-node-1", 0, 1, 2*G, 0, t0+10*3600, t0+16*3600, t0+10*3600, t0+14*3600, 0.5, G, "Job", "job", "10.0.0.12")
    addpod("gcp-prod", "api", "api-0", "srv", "gke-node-1", 0, 2, 4*G, 0, d0, d1, d0, d1, -1, 0, "ReplicaSet", "api-77c9", "10.1.0.10")
    addpod("onprem", "ml", "train-0", "gpu", "metal-1", 1, 4, 8*G, 1, d0, d1, d0, d1, 6, 8*G, "StatefulSet", "train", "10.2.0.10")
  } else if (mode == "bench") {
    # `pods` concurrent pods over 4 clusters x 10 namespaces, 20 pods per 16-core node
    for (c = 0; c < 4; c++) for (k = 0; k < int((pods / 4 + 19) / 20); k++)
      addnode("cl-" c, "cl-" c "-node-" k, 16, 64*G, 0, 0, "aws:///us-east-1a/i-" c "x" k, "label_node_kubernetes_io_instance_type=\"m5.4xlarge\"")
    for (i = 0; i < pods; i++) {
      c = i % 4; k = int(i / 4)
      addpod("cl-" c, "ns-" (k % 10), "p-" i, "app", "cl-" c "-node-" int(k / 20), 0, 0.25 + (i % 4) * 0.25, (1 + i % 3) * G, 0,
             d0, d1, d0, d1, 0.3, G, "ReplicaSet", "d-" (k % 50) "-abc", "")
    }
  } else if (mode == "explode") {
    interval = 3600; d1 = d0 + 3600
    for (i = 0; i < series; i++)
      print "kube_pod_container_status_running{cluster=\"boom\",namespace=\"boom\",pod=\"p" i "\",container=\"c\"} 1 " d1
    print "# EOF"; exit
  }
  emit_all()
}
function each_t(i, fam, labels, kind, step,    t, v, cum) {
  cum = 0
  if (!step) step = interval
  for (t = d0; t <= d1; t += step) {
    if (t < POBJ0[i] || t > POBJ1[i]) continue
    if (kind == "run") v = (t > PRUN0[i] && t <= PRUN1[i]) ? 1 : 0
    else if (kind == "cpu") { if (t > PRUN0[i] && t <= PRUN1[i]) cum += cpu_rate(i, t) * step; v = cum }
    else if (kind == "mem") { if (!(t > PRUN0[i] && t <= PRUN1[i])) continue; v = PMUSE[i] }
    else v = kind
    printf "%s{%s} %.17g %d\n", fam, labels, v, t
  }
}
function emit_all(   i, f) {
  print "# TYPE kube_node_status_capacity gauge"
  for (i = 1; i <= nn; i++) if (!NV1[i]) {
    nl = "cluster=\"" NCL[i] "\",node=\"" NNAME[i] "\""
    node_series("kube_node_status_capacity", nl ",resource=\"cpu\",unit=\"core\"", NCPU[i])
    node_series("kube_node_status_capacity", nl ",resource=\"memory\",unit=\"byte\"", NMEM[i])
  }
  for (i = 1; i <= nn; i++) if (NV1[i] && NGPU[i])
    node_series("kube_node_status_capacity", "cluster=\"" NCL[i] "\",node=\"" NNAME[i] "\",resource=\"nvidia_com_gpu\",unit=\"integer\"", NGPU[i])
  print "# TYPE kube_node_status_capacity_cpu_cores gauge"
  for (i = 1; i <= nn; i++) if (NV1[i]) node_series("kube_node_status_capacity_cpu_cores", "cluster=\"" NCL[i] "\",node=\"" NNAME[i] "\"", NCPU[i])
  print "# TYPE kube_node_status_capacity_memory_bytes gauge"
  for (i = 1; i <= nn; i++) if (NV1[i]) node_series("kube_node_status_capacity_memory_bytes", "cluster=\"" NCL[i] "\",node=\"" NNAME[i] "\"", NMEM[i])
  print "# TYPE kube_node_labels gauge"
  for (i = 1; i <= nn; i++) node_series("kube_node_labels", "cluster=\"" NCL[i] "\",node=\"" NNAME[i] "\"" (NLAB[i] ? "," NLAB[i] : ""), 1, mi)
  print "# TYPE kube_node_info gauge"
  for (i = 1; i <= nn; i++) node_series("kube_node_info", "cluster=\"" NCL[i] "\",node=\"" NNAME[i] "\",provider_id=\"" NPID[i] "\",kubelet_version=\"v1.28.3\"", 1, mi)

  print "# TYPE kube_pod_container_resource_requests gauge"
  for (i = 1; i <= np; i++) {
    l = cbase(i) ",node=\"" PNODE[i] "\""
    if (!PV1[i]) {
      each_t(i, "kube_pod_container_resource_requests", l ",resource=\"cpu\",unit=\"core\"", PCREQ[i])
      each_t(i, "kube_pod_container_resource_requests", l ",resource=\"memory\",unit=\"byte\"", PMREQ[i])
    }
    if (PGREQ[i]) each_t(i, "kube_pod_container_resource_requests", l ",resource=\"nvidia_com_gpu\",unit=\"integer\"", PGREQ[i])
  }
  print "# TYPE kube_pod_container_resource_requests_cpu_cores gauge"
  for (i = 1; i <= np; i++) if (PV1[i]) each_t(i, "kube_pod_container_resource_requests_cpu_cores", cbase(i) ",node=\"" PNODE[i] "\"", PCREQ[i])
  print "# TYPE kube_pod_container_resource_requests_memory_bytes gauge"
  for (i = 1; i <= np; i++) if (PV1[i]) each_t(i, "kube_pod_container_resource_requests_memory_bytes", cbase(i) ",node=\"" PNODE[i] "\"", PMREQ[i])
  print "# TYPE kube_pod_container_status_running gauge"
  for (i = 1; i <= np; i++) each_t(i, "kube_pod_container_status_running", cbase(i), "run")
  print "# TYPE container_cpu_usage_seconds_total counter"
  for (i = 1; i <= np; i++) if (PCADV[i]) each_t(i, "container_cpu_usage_seconds_total", cbase(i) ",image=\"img\"", "cpu")
  print "# TYPE container_memory_working_set_bytes gauge"
  for (i = 1; i <= np; i++) if (PCADV[i]) each_t(i, "container_memory_working_set_bytes", cbase(i) ",image=\"img\"", "mem")
  print "# TYPE kube_pod_owner gauge"
  for (i = 1; i <= np; i++) each_t(i, "kube_pod_owner", base(i) ",owner_kind=\"" POK[i] "\",owner_name=\"" PON[i] "\",owner_is_controller=\"true\"", 1, mi)
  print "# TYPE kube_replicaset_owner gauge"
  for (i = 1; i <= np; i++) if (POK[i] == "ReplicaSet" && !seen_rs[PCL[i] PNS[i] PON[i]]++) {
    d = PON[i]; sub(/-[^-]*$/, "", d)
    each_t(i, "kube_replicaset_owner", "cluster=\"" PCL[i] "\",namespace=\"" PNS[i] "\",replicaset=\"" PON[i] "\",owner_kind=\"Deployment\",owner_name=\"" d "\",owner_is_controller=\"true\"", 1, mi)
  }
  print "# TYPE kube_pod_labels gauge"
  for (i = 1; i <= np; i++) each_t(i, "kube_pod_labels", base(i) ",label_app=\"" PNS[i] "\",label_team=\"team-" PNS[i] "\"", 1, mi)
  print "# TYPE kube_pod_info gauge"
  for (i = 1; i <= np; i++) each_t(i, "kube_pod_info", base(i) ",uid=\"uid-" PPOD[i] "\",node=\"" PNODE[i] "\",pod_ip=\"" PIP[i] "\"", 1, mi)
  print "# TYPE kube_namespace_labels gauge"
  for (i = 1; i <= np; i++) if (!seen_ns[PCL[i] "/" PNS[i]]++)
    node_series("kube_namespace_labels", "cluster=\"" PCL[i] "\",namespace=\"" PNS[i] "\",label_owner=\"team-" PNS[i] "\"", 1, mi)
  if (mode == "bench") { # OpenCost's exporter metrics, so PromQL can price like OpenCost does
    print "# TYPE node_cpu_hourly_cost gauge"
    for (i = 1; i <= nn; i++) node_series("node_cpu_hourly_cost", "cluster=\"" NCL[i] "\",node=\"" NNAME[i] "\"", 0.031611, mi)
    print "# TYPE node_ram_hourly_cost gauge"
    for (i = 1; i <= nn; i++) node_series("node_ram_hourly_cost", "cluster=\"" NCL[i] "\",node=\"" NNAME[i] "\"", 0.004237, mi)
  }
  if (mode == "test") {
    w = "cluster=\"aws-prod\",namespace=\"web\""
    print "# TYPE kube_pod_spec_volumes_persistentvolumeclaims_info gauge"
    node_series("kube_pod_spec_volumes_persistentvolumeclaims_info", w ",pod=\"web-0\",volume=\"data\",persistentvolumeclaim=\"data-web-0\"", 1)
    print "# TYPE kube_persistentvolumeclaim_info gauge"
    node_series("kube_persistentvolumeclaim_info", w ",persistentvolumeclaim=\"data-web-0\",storageclass=\"gp3\",volumename=\"pv-web-0\"", 1)
    print "# TYPE kube_persistentvolumeclaim_resource_requests_storage_bytes gauge"
    node_series("kube_persistentvolumeclaim_resource_requests_storage_bytes", w ",persistentvolumeclaim=\"data-web-0\"", 10*G)
    print "# TYPE kube_persistentvolume_capacity_bytes gauge"
    node_series("kube_persistentvolume_capacity_bytes", "cluster=\"aws-prod\",persistentvolume=\"pv-web-0\"", 10*G)
    print "# TYPE kube_service_spec_type gauge"
    node_series("kube_service_spec_type", w ",service=\"web\",type=\"LoadBalancer\"", 1)
    print "# TYPE kube_service_info gauge"
    node_series("kube_service_info", w ",service=\"web\",cluster_ip=\"10.96.0.20\",load_balancer_ip=\"34.1.2.3\"", 1)
    print "# TYPE kube_endpoint_address gauge"
    node_series("kube_endpoint_address", w ",endpoint=\"web\",ip=\"10.0.0.10\",ready=\"true\"", 1)
    node_series("kube_endpoint_address", w ",endpoint=\"web\",ip=\"10.0.0.11\",ready=\"true\"", 1)
    print "# TYPE container_network_receive_bytes_total counter"
    counter_series("container_network_receive_bytes_total", base(1) ",interface=\"eth0\"", 1000)
    print "# TYPE container_network_transmit_bytes_total counter"
    counter_series("container_network_transmit_bytes_total", base(1) ",interface=\"eth0\"", 500)
    print "# TYPE kubelet_volume_stats_used_bytes gauge"
    for (t = d0; t <= d1; t += interval)
      printf "kubelet_volume_stats_used_bytes{%s} %.17g %d\n", w ",persistentvolumeclaim=\"data-web-0\"",
        t <= t0 + 24*3600 ? 2*G : t == t0 + 30*3600 ? 4*G : 3*G, t
    print "# TYPE kubelet_volume_stats_capacity_bytes gauge"
    node_series("kubelet_volume_stats_capacity_bytes", w ",persistentvolumeclaim=\"data-web-0\"", 10*G)
  }
  print "# EOF"
}
# a counter growing `rate` per second from the data range's start
function counter_series(fam, labels, rate,    t) {
  for (t = d0; t <= d1; t += interval) printf "%s{%s} %.17g %d\n", fam, labels, rate * (t - d0), t
}
# a series present over the whole data range
function node_series(fam, labels, v, step,    t) {
  if (!step) step = interval
  for (t = d0; t <= d1; t += step) printf "%s{%s} %.17g %d\n", fam, labels, v, t
}

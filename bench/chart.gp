# Chart of bench/run's results: wall time per scenario, hoist vs skopeo (median).
# Called by bench/run as: gnuplot -e "datafile='...'; outfile='...'" bench/chart.gp
# datafile rows: "scenario" hoist_seconds skopeo_seconds ratio
set terminal pngcairo size 900,420 font "DejaVu Sans,10" noenhanced
set output outfile
set title "hoist vs skopeo: median wall time (lower is better; label = hoist/skopeo)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "seconds"
set yrange [0:*]
set grid ytics
set xtics rotate by -20 scale 0
set key top right
plot datafile using 2:xtic(1) title "hoist" lc rgb "#2b7bba", \
     '' using 3 title "skopeo" lc rgb "#c0392b", \
     '' using ($0):($3):(sprintf("%.2f", $4)) with labels offset 0,0.8 notitle

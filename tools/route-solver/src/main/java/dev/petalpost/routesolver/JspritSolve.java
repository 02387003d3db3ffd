package dev.petalpost.routesolver;

import com.graphhopper.jsprit.core.algorithm.VehicleRoutingAlgorithm;
import com.graphhopper.jsprit.core.algorithm.acceptor.SolutionAcceptor;
import com.graphhopper.jsprit.core.algorithm.box.Jsprit;
import com.graphhopper.jsprit.core.algorithm.listener.IterationEndsListener;
import com.graphhopper.jsprit.core.problem.Location;
import com.graphhopper.jsprit.core.problem.VehicleRoutingProblem;
import com.graphhopper.jsprit.core.problem.cost.AbstractForwardVehicleRoutingTransportCosts;
import com.graphhopper.jsprit.core.problem.driver.Driver;
import com.graphhopper.jsprit.core.problem.job.Job;
import com.graphhopper.jsprit.core.problem.job.Service;
import com.graphhopper.jsprit.core.problem.job.Shipment;
import com.graphhopper.jsprit.core.problem.solution.SolutionCostCalculator;
import com.graphhopper.jsprit.core.problem.solution.VehicleRoutingProblemSolution;
import com.graphhopper.jsprit.core.problem.solution.route.VehicleRoute;
import com.graphhopper.jsprit.core.problem.solution.route.activity.PickupShipment;
import com.graphhopper.jsprit.core.problem.solution.route.activity.TourActivity;
import com.graphhopper.jsprit.core.problem.vehicle.Vehicle;
import com.graphhopper.jsprit.core.problem.vehicle.VehicleImpl;
import com.graphhopper.jsprit.core.problem.vehicle.VehicleTypeImpl;
import com.graphhopper.jsprit.core.util.Solutions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One VRPTW solved by jsprit on the caller's distance and travel-time matrices, so the answer
 * is judged on exactly the times the caller's own planner uses.
 *
 * <p>Single trips (every vehicle's maxTrips is 1) are jsprit services. A rider who may come back
 * to the shop to load again is modelled with shipments picked up at the depot: jsprit then
 * returns to the depot whenever the load asks for it, and each return starts a trip. The trip
 * count itself is not limited; the caller's check rejects a plan with too many.
 */
final class JspritSolve {

    record Window(Double ready, Double due) {}

    record VehicleIn(String id, Integer capacity, String profile, Window shift, Integer maxTrips) {}

    record StopIn(String id, Integer location, Integer demand, Window window, Double serviceTime) {}

    /** Node indices refer to the rows of the matrices; `durations` has one matrix per vehicle profile. */
    record Request(
            Integer depot,
            double[][] distance,
            Map<String, double[][]> durations,
            List<VehicleIn> vehicles,
            List<StopIn> stops,
            Long timeLimitMs,
            Integer maxIterations,
            Long seed) {}

    /** Each trip lists stop ids in the order served; the vehicle is at the depot before and after it. */
    record RouteOut(String vehicleId, List<List<String>> trips) {}

    record Stats(String model, int iterations, long solveMs, double cost) {}

    record Answer(List<RouteOut> routes, List<String> unassigned, Stats stats) {}

    /** jsprit's own default budget when the caller gives neither a time limit nor iterations. */
    private static final int DEFAULT_ITERATIONS = 2000;
    /** jsprit's Schrimpf threshold acceptance defaults: start at 3 % of the first cost, halve every 15 % of the budget. */
    private static final double THRESHOLD_INI = 0.03;
    private static final double THRESHOLD_ALPHA = 0.15;

    private JspritSolve() {}

    static Answer solve(Request request, long receivedAtNanos) {
        validate(request);
        int size = request.distance().length;
        Budget budget = new Budget(receivedAtNanos, request.timeLimitMs(),
                request.maxIterations() != null ? request.maxIterations()
                        : request.timeLimitMs() != null ? Integer.MAX_VALUE : DEFAULT_ITERATIONS);
        boolean multiTrip = request.vehicles().stream().anyMatch(v -> v.maxTrips() > 1);
        String model = multiTrip ? "shipments-from-depot" : "services";
        if (request.vehicles().isEmpty() || request.stops().isEmpty()) {
            List<String> all = request.stops().stream().map(StopIn::id).toList();
            return new Answer(List.of(), all, new Stats(model, 0, budget.elapsedMs(), 0));
        }

        Location[] locations = new Location[size];
        for (int i = 0; i < size; i++) locations[i] = Location.Builder.newInstance().setIndex(i).setId(Integer.toString(i)).build();
        Location depot = locations[request.depot()];
        Matrices costs = new Matrices(request.distance(), request.durations());

        // Our planner's ranking, as costs: a stop left out is worse than another vehicle, and a vehicle
        // costs more than the distance another route would usually save.
        double longestLeg = 0;
        for (double[] row : request.distance()) for (double d : row) longestLeg = Math.max(longestLeg, d);
        double fixedCost = 2 * longestLeg * Math.max(1, Math.sqrt(request.stops().size()));
        double unassignedPenalty = 10 * (fixedCost + 2 * longestLeg);

        VehicleRoutingProblem.Builder problem = VehicleRoutingProblem.Builder.newInstance()
                .setFleetSize(VehicleRoutingProblem.FleetSize.FINITE)
                .setRoutingCost(costs);
        Map<String, VehicleTypeImpl> types = new HashMap<>();
        for (VehicleIn v : request.vehicles()) {
            String typeId = v.profile() + "/" + v.capacity();
            VehicleTypeImpl type = types.computeIfAbsent(typeId, id -> VehicleTypeImpl.Builder.newInstance(id)
                    .addCapacityDimension(0, v.capacity())
                    .setFixedCost(fixedCost)
                    .setCostPerDistance(1)
                    .setCostPerTransportTime(0)
                    .setCostPerWaitingTime(0)
                    .build());
            costs.typeProfiles.put(typeId, v.profile());
            problem.addVehicle(VehicleImpl.Builder.newInstance(v.id())
                    .setType(type)
                    .setStartLocation(depot)
                    .setReturnToDepot(true)
                    .setEarliestStart(v.shift().ready())
                    .setLatestArrival(v.shift().due())
                    .build());
        }
        double dayStart = request.vehicles().stream().mapToDouble(v -> v.shift().ready()).min().orElse(0);
        for (StopIn s : request.stops()) {
            Location at = locations[s.location()];
            if (multiTrip) {
                problem.addJob(Shipment.Builder.newInstance(s.id())
                        .addSizeDimension(0, s.demand())
                        .setPickupLocation(depot)
                        .setPickupServiceTime(0)
                        .addPickupTimeWindow(Math.min(dayStart, s.window().due()), s.window().due())
                        .setDeliveryLocation(at)
                        .setDeliveryServiceTime(s.serviceTime())
                        .addDeliveryTimeWindow(s.window().ready(), s.window().due())
                        .build());
            } else {
                problem.addJob(Service.Builder.newInstance(s.id())
                        .addSizeDimension(0, s.demand())
                        .setLocation(at)
                        .setServiceTime(s.serviceTime())
                        .addTimeWindow(s.window().ready(), s.window().due())
                        .build());
            }
        }
        VehicleRoutingProblem vrp = problem.build();

        SolutionCostCalculator objective = solution -> {
            double cost = solution.getUnassignedJobs().size() * unassignedPenalty;
            for (VehicleRoute route : solution.getRoutes()) {
                if (route.isEmpty()) continue;
                cost += fixedCost;
                TourActivity previous = route.getStart();
                for (TourActivity activity : route.getActivities()) {
                    cost += costs.distance(previous.getLocation(), activity.getLocation());
                    previous = activity;
                }
                cost += costs.distance(previous.getLocation(), route.getEnd().getLocation());
            }
            return cost;
        };

        VehicleRoutingAlgorithm algorithm = Jsprit.Builder.newInstance(vrp)
                .setRandom(new Random(request.seed() != null ? request.seed() : 1))
                .setObjectiveFunction(objective)
                .setCustomAcceptor(new TimedThresholdAcceptance(budget))
                .setProperty(Jsprit.Parameter.THREADS, "1")
                // Weighs a vehicle's fixed cost when a stop would open a new route, more so as the plan fills up.
                .setProperty(Jsprit.Parameter.ITERATIONS, Integer.toString(budget.maxIterations))
                // Cheapest insertion to start and the cached regret: twice the iterations in the same time on
                // Solomon's instances, and the 100-stop multi-trip days fit their construction into 1.5 s at all.
                .setProperty(Jsprit.Parameter.CONSTRUCTION, Jsprit.Construction.BEST_INSERTION.toString())
                .setProperty(Jsprit.Parameter.FAST_REGRET, "true")
                // Weighs a vehicle's fixed cost when a stop would open a new route, more so as the plan fills up.
                .setProperty(Jsprit.Parameter.FIXED_COST_PARAM, "1.0")
                .buildAlgorithm();
        algorithm.addListener((IterationEndsListener) (i, p, s) -> budget.iterations = i);
        algorithm.addTerminationCriterion(discovered -> budget.timeIsUp());
        VehicleRoutingProblemSolution best = Solutions.bestOf(algorithm.searchSolutions());

        List<RouteOut> routes = new ArrayList<>();
        for (VehicleRoute route : best.getRoutes()) {
            List<List<String>> trips = new ArrayList<>();
            List<String> trip = new ArrayList<>();
            for (TourActivity activity : route.getActivities()) {
                if (activity instanceof PickupShipment) {
                    // Back at the shop to load: what follows is another trip.
                    if (!trip.isEmpty()) {
                        trips.add(trip);
                        trip = new ArrayList<>();
                    }
                } else if (activity instanceof TourActivity.JobActivity job) {
                    trip.add(job.getJob().getId());
                }
            }
            if (!trip.isEmpty()) trips.add(trip);
            if (!trips.isEmpty()) routes.add(new RouteOut(route.getVehicle().getId(), trips));
        }
        List<String> unassigned = best.getUnassignedJobs().stream().map(Job::getId).sorted().toList();
        return new Answer(routes, unassigned, new Stats(model, budget.iterations, budget.elapsedMs(), best.getCost()));
    }

    /** Wall-clock budget from the moment the request arrived, and the iterations spent. */
    private static final class Budget {
        final long startedAt;
        final long deadline;
        final double limitNanos;
        final int maxIterations;
        volatile int iterations;

        Budget(long startedAt, Long timeLimitMs, int maxIterations) {
            this.startedAt = startedAt;
            this.limitNanos = timeLimitMs != null ? timeLimitMs * 1e6 : Double.POSITIVE_INFINITY;
            this.deadline = timeLimitMs != null ? startedAt + timeLimitMs * 1_000_000L : Long.MAX_VALUE;
            this.maxIterations = maxIterations;
        }

        boolean timeIsUp() {
            return System.nanoTime() >= deadline;
        }

        double progress() {
            double byTime = (System.nanoTime() - startedAt) / limitNanos;
            return Math.max(byTime, (double) iterations / maxIterations);
        }

        long elapsedMs() {
            return (System.nanoTime() - startedAt) / 1_000_000L;
        }
    }

    /**
     * jsprit's Schrimpf threshold acceptance, cooled by the share of the budget spent rather than
     * by the iteration count alone: under a time limit jsprit cannot know how many iterations
     * there will be, and its own schedule would never cool.
     */
    private static final class TimedThresholdAcceptance implements SolutionAcceptor {
        private final Budget budget;
        private double initialThreshold = Double.NaN;

        TimedThresholdAcceptance(Budget budget) {
            this.budget = budget;
        }

        @Override
        public boolean acceptSolution(Collection<VehicleRoutingProblemSolution> memory, VehicleRoutingProblemSolution candidate) {
            if (memory.isEmpty()) {
                memory.add(candidate);
                return true;
            }
            VehicleRoutingProblemSolution current = memory.iterator().next();
            if (Double.isNaN(initialThreshold)) initialThreshold = current.getCost() * THRESHOLD_INI;
            double threshold = initialThreshold * Math.exp(-Math.log(2) * budget.progress() / THRESHOLD_ALPHA);
            if (candidate.getCost() >= current.getCost() + threshold) return false;
            memory.clear();
            memory.add(candidate);
            return true;
        }
    }

    /** The caller's matrices; cost is distance. A leg asked for without a vehicle takes the fastest profile. */
    private static final class Matrices extends AbstractForwardVehicleRoutingTransportCosts {
        final double[][] distances;
        final Map<String, double[][]> durations;
        final Map<String, String> typeProfiles = new HashMap<>();
        final double[][] fastest;

        Matrices(double[][] distances, Map<String, double[][]> durations) {
            this.distances = distances;
            this.durations = durations;
            int size = distances.length;
            fastest = new double[size][size];
            for (double[] row : fastest) Arrays.fill(row, Double.POSITIVE_INFINITY);
            for (double[][] m : durations.values()) {
                for (int i = 0; i < size; i++) for (int j = 0; j < size; j++) fastest[i][j] = Math.min(fastest[i][j], m[i][j]);
            }
        }

        double distance(Location from, Location to) {
            return distances[from.getIndex()][to.getIndex()];
        }

        @Override
        public double getDistance(Location from, Location to, double departureTime, Vehicle vehicle) {
            return distance(from, to);
        }

        @Override
        public double getTransportCost(Location from, Location to, double departureTime, Driver driver, Vehicle vehicle) {
            return distance(from, to);
        }

        @Override
        public double getTransportTime(Location from, Location to, double departureTime, Driver driver, Vehicle vehicle) {
            String profile = vehicle == null || vehicle.getType() == null ? null : typeProfiles.get(vehicle.getType().getTypeId());
            double[][] matrix = profile == null ? fastest : durations.get(profile);
            return matrix[from.getIndex()][to.getIndex()];
        }
    }

    /** Throws IllegalArgumentException naming the first thing wrong: the server answers it with 400. */
    static void validate(Request r) {
        require(r != null, "empty request");
        require(r.distance() != null && r.distance().length > 0, "distance: a square matrix is required");
        int size = r.distance().length;
        requireMatrix("distance", r.distance(), size);
        require(r.depot() != null && r.depot() >= 0 && r.depot() < size, "depot: a node index below " + size + " is required");
        require(r.durations() != null && !r.durations().isEmpty(), "durations: one matrix per vehicle profile is required");
        r.durations().forEach((profile, m) -> requireMatrix("durations." + profile, m, size));
        require(r.vehicles() != null, "vehicles: a list is required");
        require(r.stops() != null, "stops: a list is required");
        require(r.timeLimitMs() == null || r.timeLimitMs() > 0, "timeLimitMs: must be positive");
        require(r.maxIterations() == null || r.maxIterations() > 0, "maxIterations: must be positive");
        Set<String> ids = new HashSet<>();
        for (VehicleIn v : r.vehicles()) {
            require(v != null && v.id() != null && !v.id().isBlank(), "vehicles: every vehicle needs an id");
            require(ids.add("vehicle " + v.id()), "vehicles: id " + v.id() + " appears twice");
            require(v.capacity() != null && v.capacity() >= 0, "vehicle " + v.id() + ": capacity must be a whole number ≥ 0");
            require(v.profile() != null && r.durations().containsKey(v.profile()), "vehicle " + v.id() + ": no durations for profile " + v.profile());
            requireWindow("vehicle " + v.id() + ": shift", v.shift());
            require(v.maxTrips() != null && v.maxTrips() >= 1, "vehicle " + v.id() + ": maxTrips must be ≥ 1");
        }
        for (StopIn s : r.stops()) {
            require(s != null && s.id() != null && !s.id().isBlank(), "stops: every stop needs an id");
            require(ids.add("stop " + s.id()), "stops: id " + s.id() + " appears twice");
            require(s.location() != null && s.location() >= 0 && s.location() < size, "stop " + s.id() + ": location must be a node index below " + size);
            require(s.demand() != null && s.demand() >= 0, "stop " + s.id() + ": demand must be a whole number ≥ 0");
            requireWindow("stop " + s.id() + ": window", s.window());
            require(s.serviceTime() != null && s.serviceTime() >= 0 && Double.isFinite(s.serviceTime()), "stop " + s.id() + ": serviceTime must be ≥ 0");
        }
    }

    private static void requireMatrix(String name, double[][] m, int size) {
        require(m != null && m.length == size, name + ": must have " + size + " rows");
        for (double[] row : m) {
            require(row != null && row.length == size, name + ": every row must have " + size + " entries");
            for (double x : row) require(Double.isFinite(x) && x >= 0, name + ": entries must be finite and ≥ 0");
        }
    }

    private static void requireWindow(String name, Window w) {
        require(w != null && w.ready() != null && w.due() != null, name + ": ready and due are required");
        require(Double.isFinite(w.ready()) && Double.isFinite(w.due()) && w.ready() <= w.due(), name + ": ready must not be after due");
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
